//! pest pairs → AST.

use gatehouse_diagnostics::{Code, Diagnostic, Span};
use pest::Parser as _;
use pest::iterators::Pair;

use crate::ast::*;

#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/expressions.pest"]
pub(crate) struct Grammar;

pub(crate) type Result<T> = std::result::Result<T, Diagnostic>;

pub(crate) fn parse(code: &str, block: bool, max_depth: u32) -> Result<Body> {
    let rule = if block {
        Rule::block_form
    } else {
        Rule::expression_form
    };
    let mut pairs = Grammar::parse(rule, code).map_err(|error| syntax_error(code, &error))?;
    let form = pairs.next().ok_or_else(|| internal(code, "no parse"))?;
    let lower = Lower { max_depth };
    if block {
        let statements = form
            .into_inner()
            .filter(|pair| pair.as_rule() == Rule::statement)
            .map(|pair| lower.statement(pair))
            .collect::<Result<Vec<_>>>()?;
        Ok(Body::Block(Block {
            statements,
            span: Span::from_range(0..code.len()),
        }))
    } else {
        let expr = form
            .into_inner()
            .find(|pair| pair.as_rule() == Rule::expr)
            .ok_or_else(|| internal(code, "no expression"))?;
        Ok(Body::Expr(lower.expr(expr)?))
    }
}

fn internal(code: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::ExpressionSyntax,
        Span::from_range(0..code.len()),
        format!("cannot read the expression ({what})"),
    )
    .with_help("this is a bug in gatehouse; please report it with the expression")
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let span = pair.as_span();
    Span::from_range(span.start()..span.end())
}

/// What a failed rule was looking for, in words.
fn expected(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::expr | Rule::unary | Rule::primary | Rule::postfix_expr | Rule::operation => {
            "an expression"
        }
        Rule::statement => "a statement",
        Rule::identifier => "a name",
        Rule::binary_op | Rule::is_test | Rule::as_cast | Rule::operator_tail => "an operator",
        Rule::type_syntax | Rule::type_no_nullable => "a type",
        Rule::EOI => "the end of the expression",
        Rule::arguments | Rule::argument => "an argument",
        Rule::block => "`{`",
        Rule::member_access | Rule::null_member_access => "`.`",
        Rule::call => "`(`",
        Rule::index | Rule::null_index => "`[`",
        Rule::question => "`?`",
        Rule::assign_op => "`=`",
        Rule::kw_while => "`while`",
        Rule::kw_in => "`in`",
        Rule::kw_catch | Rule::catch_clause => "`catch`",
        Rule::kw_finally | Rule::finally_clause => "`finally`",
        Rule::variable_declarator => "a variable name",
        _ => return None,
    })
}

fn syntax_error(code: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let at = match error.location {
        pest::error::InputLocation::Pos(pos) => pos,
        pest::error::InputLocation::Span((start, _)) => start,
    };
    let rest = code.get(at..).unwrap_or_default();
    let token_len = token_length(rest);
    let found = rest.get(..token_len).unwrap_or_default();
    let mut wanted: Vec<&str> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|rule| expected(*rule))
            .collect(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    wanted.sort_unstable();
    wanted.dedup();
    let message = if found.is_empty() {
        "the expression ends too early".to_owned()
    } else {
        format!("unexpected `{found}` in policy expression")
    };
    let mut diagnostic = Diagnostic::new(
        Code::ExpressionSyntax,
        Span::from_range(at..at + token_len),
        message,
    );
    if found == ">" && code.get(..at).is_some_and(|before| before.ends_with('<')) {
        // Visual Basic's and SQL's "not equal", which the docs themselves slip into.
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at - 1..at + 1),
            "`<>` is not a C# operator",
        )
        .with_help("write `!=` for \"not equal\"");
    }
    if found == ">" && code.get(..at).is_some_and(|before| before.ends_with('|')) {
        // F#'s and Elixir's pipeline, written by guides that mix languages.
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at - 1..at + 1),
            "`|>` is not a C# operator",
        )
        .with_help("c# has no pipeline: pass the value as the argument, `f(x)`, or call its method, `x.M()`");
    }
    if found == "$" && rest.starts_with("${") {
        // `${name}` is never C#: a Terraform, Bicep or pipeline variable left unrendered.
        let end = rest.find('}').map_or(token_len, |close| close + 1);
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at..at + end),
            format!(
                "`{}` is a template placeholder, not c#",
                rest.get(..end).unwrap_or(found)
            ),
        )
        .with_help("lint the policy as your deployment renders it (Terraform, Bicep or a pipeline fills `${…}` in)");
    }
    if let Some(entity) = ["&quot;", "&apos;", "&lt;", "&gt;", "&amp;"]
        .into_iter()
        .find(|entity| rest.starts_with(entity))
    {
        // The XML was escaped twice (`&amp;quot;` in the file), as some export and templating
        // tools do: the reader decoded it once, and C# sees the entity.
        let meant = match entity {
            "&quot;" => "\"",
            "&apos;" => "'",
            "&lt;" => "<",
            "&gt;" => ">",
            _ => "&",
        };
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at..at + entity.len()),
            format!("`{entity}` is not c#: the policy text escapes `{meant}` twice"),
        )
        .with_help(format!(
            "write `{entity}` in the file once (or `{meant}` where the reader allows it), not `&amp;{}`",
            entity.trim_start_matches('&')
        ));
    }
    if let Some((quote, straight)) = rest
        .chars()
        .next()
        .and_then(|c| Some((c, gatehouse_diagnostics::straight_quote(c)?)))
    {
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at..at + quote.len_utf8()),
            format!("`{quote}` is a typographic quote, not c#'s"),
        )
        .with_help(format!(
            "write `{straight}` for each typographic quote (an editor or a web page replaced them)"
        ));
    }
    if rest.starts_with("\\\"") {
        // `GetValueOrDefault(\"x-tenant-id\")`: quotes escaped for the JSON, shell or C# string
        // the policy was copied from (or, in a Terraform heredoc, where nothing unescapes them).
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at..at + 2),
            "`\\\"` outside a string is not c#",
        )
        .with_help("delete the `\\` before each quote: a policy expression holds plain `\"`, even in a `\"`-quoted attribute");
    }
    if matches!(found, "goto" | "lock") && wanted.contains(&"a statement") {
        // C# statements APIM's compiler accepts and the grammar does not have.
        return Diagnostic::new(
            Code::NotImplemented,
            Span::from_range(at..at + token_len),
            format!("gatehouse does not implement `{found}` statements yet"),
        )
        .with_help(if found == "goto" {
            "APIM accepts this, but Gatehouse cannot run it yet: `if`, loops and `break` can do the same"
        } else {
            "APIM accepts this, but Gatehouse cannot run it yet"
        });
    }
    let tuple_comma = found == "," && in_tuple_parentheses(code, at);
    if tuple_comma
        || (found == ":" && names_a_tuple_element(code, at))
        || names_a_tuple_type_element(code, at, found)
        || deconstructs_in_foreach(code, at, found)
        || (found == "("
            && code
                .get(..at)
                .is_some_and(|head| head.trim_end().ends_with('<')))
    {
        // A C# 7 tuple, `(1, "a")` or `(id: 1, name: "a")`: an error either way, but not a
        // syntax slip.
        let (message, help) = crate::TUPLE_NOT_ALLOWED;
        return Diagnostic::new(
            Code::TypeNotAllowed,
            Span::from_range(at..at + token_len),
            message,
        )
        .with_help(help);
    }
    if let Some((start, end, message, help)) = crate::newer_csharp::newer_feature(code, at, found) {
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(start..end),
            message,
        )
        .with_help(help);
    }
    if starts_query_expression(code, at) {
        // Valid C# that Gatehouse does not parse yet: a warning, as for other unimplemented
        // parts of C#, not a syntax error.
        return Diagnostic::new(
            Code::NotImplemented,
            Span::from_range(at.saturating_sub(5)..at + token_len),
            "gatehouse does not implement LINQ query syntax (`from … in … select …`) yet",
        )
        .with_help("the same query with methods runs: `source.Where(x => …).Select(x => …)`");
    }
    if found == ";"
        && wanted.contains(&"the end of the expression")
        && rest.get(1..).is_some_and(|after| after.trim().is_empty())
    {
        // `@(x.ToString();)`: a statement's habit in a one-expression `@(…)`.
        return diagnostic.with_help(
            "`@(…)` holds one expression, without `;`: delete it (statements go in `@{ … }`)",
        );
    }
    if found == "<" && code.get(at..).is_some_and(|rest| rest.starts_with("<!--")) {
        // A note pasted into `@{…}` as an XML comment: APIM refused the docs' sample that did
        // this (MicrosoftDocs/azure-docs#39802), and `//` fixed it.
        let end = code
            .get(at..)
            .and_then(|rest| rest.find("-->"))
            .map_or(at + 4, |end| at + end + 3);
        return Diagnostic::new(
            Code::ExpressionSyntax,
            Span::from_range(at..end),
            "an xml comment inside a policy expression is not c#",
        )
        .with_help("write the note as a c# comment, `// …` or `/* … */`");
    }
    if let Some(end) = statement_end_without_semicolon(code, at) {
        // The commonest slip in `@{…}`: `;` left off at the end of a line, so the next line's
        // first word is "unexpected". Say so, at the place to type it.
        return diagnostic
            .with_label(Span::from_range(end.saturating_sub(1)..end), "add `;` here")
            .with_help("the statement before it is missing its `;`");
    }
    let help = match wanted.as_slice() {
        [] => "check the C# syntax here".to_owned(),
        [one] => format!("expected {one}"),
        many => format!("expected one of: {}", many.join(", ")),
    };
    diagnostic = diagnostic.with_help(help);
    diagnostic
}

/// Whether the `,` at `at` sits directly in parentheses that open an expression (not a call,
/// a cast's operand list or a statement's condition): `(1, "a")`, `var (a, b) = …`. Strings and
/// nested brackets before `at` are skipped.
fn in_tuple_parentheses(code: &str, at: usize) -> bool {
    let (Some(before), Some(open)) = (code.get(..at), unclosed_parenthesis(code, at)) else {
        return false;
    };
    let head = before.get(..open).unwrap_or_default().trim_end();
    match trailing_word(head) {
        // `var (a, b) = …` deconstructs; `return (a, b);` builds one.
        "var" | "return" => true,
        // A call, or a statement's own parentheses (`if (`, `foreach (` …).
        "" => {
            head.ends_with("=>")
                || head
                    .chars()
                    .last()
                    .is_none_or(|c| matches!(c, '=' | '(' | ',' | '?' | ':' | '{' | ';' | '<'))
        }
        _ => false,
    }
}

/// Whether the name at `at` is an element's name in a tuple type, `(int id, string name) pair`
/// or `(string a, int b) = …`: a name after a type, in parentheses that hold a `,` and stand
/// where a tuple can (not a call's, a lambda's that parsed, or a statement's own).
fn names_a_tuple_type_element(code: &str, at: usize, found: &str) -> bool {
    let is_name = found
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    let Some(head) = code.get(..at).map(str::trim_end) else {
        return false;
    };
    // The element's type ends in a name, `>`, `]` or `?`, right before the name.
    let after_type = head
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '>' | ']' | '?'));
    if !is_name || !after_type || !in_tuple_parentheses(code, at) {
        return false;
    }
    let Some(open) = unclosed_parenthesis(code, at) else {
        return false;
    };
    // A tuple has two elements or more: a `,` before the name or after it, before the `)`.
    let comma_before = code
        .get(open + 1..at)
        .is_some_and(|inside| inside.contains(','));
    let comma_after = code.get(at..).is_some_and(|rest| {
        rest.get(..rest.find(')').unwrap_or(rest.len()))
            .is_some_and(|inside| inside.contains(','))
    });
    comma_before || comma_after
}

/// Whether the `(` at `at` opens a deconstruction in a `foreach`, `foreach (var (k, v) in …)`.
fn deconstructs_in_foreach(code: &str, at: usize, found: &str) -> bool {
    found == "("
        && code.get(..at).is_some_and(|head| {
            let head = head.trim_end();
            head.strip_suffix("var").is_some_and(|before| {
                let before = before.trim_end();
                before.ends_with('(')
                    && before
                        .get(..before.len() - 1)
                        .is_some_and(|keyword| keyword.trim_end().ends_with("foreach"))
            })
        })
}

/// Where the `(` that is still open at `at` is, walking back over balanced brackets.
fn unclosed_parenthesis(code: &str, at: usize) -> Option<usize> {
    open_bracket(code, at).and_then(|(index, c)| (c == '(').then_some(index))
}

/// The bracket (`(`, `[` or `{`) still open at `at`, and where: walking back over balanced
/// brackets and strings.
pub(crate) fn open_bracket(code: &str, at: usize) -> Option<(usize, char)> {
    let before = code.get(..at)?;
    let mut depth = 0usize;
    let mut in_string = false;
    for (index, c) in before.char_indices().rev() {
        if c == '"' {
            in_string = !in_string;
            continue;
        }
        if in_string {
            continue;
        }
        match c {
            ')' | ']' | '}' => depth += 1,
            '(' | '[' | '{' => {
                if depth == 0 {
                    return Some((index, c));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// Whether the `:` at `at` follows the name of a tuple's first element, `(id: 1, …)`, in
/// parentheses that are not a call's (a call's `name:` is a named argument, which the grammar
/// reads; a later element's `,` is reported before its `:` is reached).
fn names_a_tuple_element(code: &str, at: usize) -> bool {
    let Some(head) = code.get(..at).map(str::trim_end) else {
        return false;
    };
    let name = trailing_word(head);
    let Some(before_name) = head
        .get(..head.len() - name.len())
        .filter(|_| !name.is_empty())
    else {
        return false;
    };
    let opener = before_name.trim_end();
    opener.ends_with('(') && in_tuple_parentheses(code, opener.len())
}

/// The name (letters, digits, `_`) that ends `text`; empty when `text` ends otherwise.
pub(crate) fn trailing_word(text: &str) -> &str {
    let start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(text.len(), |(index, _)| index);
    text.get(start..).unwrap_or_default()
}

/// Whether the unexpected token at `at` is the range variable of a query expression:
/// `from x in …`, which C# has and the grammar does not.
fn starts_query_expression(code: &str, at: usize) -> bool {
    let Some(before) = code.get(..at) else {
        return false;
    };
    let Some(head) = before.trim_end().strip_suffix("from") else {
        return false;
    };
    let word_boundary = head
        .chars()
        .last()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
    let rest = code.get(at..).unwrap_or_default();
    let name_len = token_length(rest);
    let after_name = rest.get(name_len..).unwrap_or_default().trim_start();
    word_boundary
        && before.len() > before.trim_end().len()
        && name_len > 0
        && after_name.starts_with("in")
        && after_name
            .get(2..)
            .is_some_and(|tail| tail.starts_with(char::is_whitespace))
}

/// Where a statement that lacks its `;` ends, when the unexpected token at `at` starts a line
/// and the line before ends like a complete expression (a word, `)`, `]` or a literal).
fn statement_end_without_semicolon(code: &str, at: usize) -> Option<usize> {
    let before = code.get(..at)?;
    let trimmed = before.trim_end();
    let gap = before.get(trimmed.len()..)?;
    let last = trimmed.chars().last()?;
    let starts_statement = code
        .get(at..)?
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    // ASCII only, so that the label's one byte is one whole character.
    (gap.contains('\n')
        && starts_statement
        && (last.is_ascii_alphanumeric() || matches!(last, ')' | ']' | '"' | '\'' | '_')))
    .then_some(trimmed.len())
}

/// The length of the token at the start of `text`: a string literal, a word, or one character.
fn token_length(text: &str) -> usize {
    let mut chars = text.char_indices();
    let Some((_, first)) = chars.next() else {
        return 0;
    };
    if first == '"' {
        let mut escaped = false;
        for (index, c) in text.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return index + 1,
                '\n' => return index,
                _ => escaped = false,
            }
        }
        return text.len();
    }
    if first.is_alphanumeric() || first == '_' {
        return text
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
            .map_or(text.len(), |(index, _)| index);
    }
    first.len_utf8()
}

struct Lower {
    max_depth: u32,
}

fn first<'i>(pair: &Pair<'i, Rule>) -> Option<Pair<'i, Rule>> {
    pair.clone().into_inner().next()
}

impl Lower {
    /// An expression node, refused if it would be deeper than the limit.
    fn node(&self, kind: ExprKind, span: Span, child_depth: u32) -> Result<Expr> {
        let depth = child_depth.saturating_add(1);
        if depth > self.max_depth {
            return Err(Diagnostic::new(
                Code::ExpressionTooDeep,
                span,
                format!("expression nests more than {} levels deep", self.max_depth),
            )
            .with_help(
                "split it into smaller expressions, or into statements of a `@{ … }` block",
            ));
        }
        Ok(Expr { kind, span, depth })
    }

    fn missing(&self, pair: &Pair<'_, Rule>, what: &str) -> Diagnostic {
        Diagnostic::new(
            Code::ExpressionSyntax,
            span_of(pair),
            format!("cannot read {what} here"),
        )
        .with_help("this is a bug in gatehouse; please report it with the expression")
    }

    // ----- expressions -----

    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let inner = first(&pair).ok_or_else(|| self.missing(&pair, "an expression"))?;
        match inner.as_rule() {
            Rule::lambda => self.lambda(inner),
            Rule::operation => self.operation(inner),
            Rule::expr => self.expr(inner),
            _ => Err(self.missing(&inner, "an expression")),
        }
    }

    fn lambda(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = span_of(&pair);
        let mut inner = pair.clone().into_inner();
        let params_pair = inner
            .next()
            .ok_or_else(|| self.missing(&pair, "lambda parameters"))?;
        let mut params = Vec::new();
        for param in params_pair.into_inner() {
            match param.as_rule() {
                Rule::identifier => params.push(LambdaParam {
                    ty: None,
                    name: ident(&param),
                }),
                Rule::lambda_param => {
                    let mut parts = param.clone().into_inner();
                    let a = parts
                        .next()
                        .ok_or_else(|| self.missing(&param, "a parameter"))?;
                    match parts.next() {
                        Some(name) => params.push(LambdaParam {
                            ty: Some(self.type_syntax(a)?),
                            name: ident(&name),
                        }),
                        None => params.push(LambdaParam {
                            ty: None,
                            name: ident(&a),
                        }),
                    }
                }
                _ => {}
            }
        }
        let body_pair = inner
            .next()
            .ok_or_else(|| self.missing(&pair, "a lambda body"))?;
        let (body, depth) = match body_pair.as_rule() {
            Rule::block => (LambdaBody::Block(self.block(body_pair)?), 1),
            _ => {
                let expr = self.expr(body_pair)?;
                let depth = expr.depth;
                (LambdaBody::Expr(Box::new(expr)), depth)
            }
        };
        self.node(ExprKind::Lambda { params, body }, span, depth)
    }

    /// An operand, then an assignment to it, or operators and maybe `? :`.
    fn operation(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = span_of(&pair);
        let mut inner = pair.clone().into_inner();
        let operand = inner
            .next()
            .ok_or_else(|| self.missing(&pair, "an operand"))?;
        let Some(next) = inner.next() else {
            return self.unary(operand);
        };
        if next.as_rule() == Rule::assign_op {
            let target = self.unary(operand)?;
            let value = self.expr(inner.next().ok_or_else(|| self.missing(&pair, "a value"))?)?;
            let op = match next.as_str() {
                "=" => None,
                "+=" => Some(BinaryOp::Add),
                "-=" => Some(BinaryOp::Sub),
                "*=" => Some(BinaryOp::Mul),
                "/=" => Some(BinaryOp::Div),
                "%=" => Some(BinaryOp::Rem),
                "&=" => Some(BinaryOp::BitAnd),
                "|=" => Some(BinaryOp::BitOr),
                "^=" => Some(BinaryOp::BitXor),
                "<<=" => Some(BinaryOp::Shl),
                ">>=" => Some(BinaryOp::Shr),
                _ => Some(BinaryOp::Coalesce),
            };
            let depth = target.depth.max(value.depth);
            return self.node(
                ExprKind::Assign {
                    op,
                    target: Box::new(target),
                    value: Box::new(value),
                },
                span,
                depth,
            );
        }
        let condition = self.binary(operand, next)?;
        let Some(tail) = inner.next() else {
            return Ok(condition);
        };
        let mut branches = tail
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::expr);
        let when_true = self.expr(
            branches
                .next()
                .ok_or_else(|| self.missing(&tail, "a branch"))?,
        )?;
        let when_false = self.expr(
            branches
                .next()
                .ok_or_else(|| self.missing(&tail, "a branch"))?,
        )?;
        let depth = condition.depth.max(when_true.depth).max(when_false.depth);
        self.node(
            ExprKind::Conditional {
                condition: Box::new(condition),
                when_true: Box::new(when_true),
                when_false: Box::new(when_false),
            },
            span,
            depth,
        )
    }

    /// Operands and operators in a row, arranged by C# precedence without recursion
    /// (shunting-yard). `is` and `as` are postfix operators at the relational level.
    fn binary(&self, first_operand: Pair<'_, Rule>, tail: Pair<'_, Rule>) -> Result<Expr> {
        let mut operands: Vec<Expr> = vec![self.unary(first_operand)?];
        let mut operators: Vec<(BinaryOp, u8)> = Vec::new();
        let mut count = 0u32;
        for item in tail.into_inner() {
            count += 1;
            if count > self.max_depth.saturating_mul(2) {
                return Err(Diagnostic::new(
                    Code::ExpressionTooDeep,
                    span_of(&item),
                    format!("more than {} operators in a row", self.max_depth),
                )
                .with_help("split the expression with local variables in a `@{ … }` block"));
            }
            match item.as_rule() {
                Rule::unary => operands.push(self.unary(item)?),
                Rule::binary_op => {
                    let op = binary_op(item.as_str());
                    let precedence = precedence(op);
                    let right_associative = op == BinaryOp::Coalesce;
                    while let Some(&(top, top_precedence)) = operators.last() {
                        if top_precedence > precedence
                            || (top_precedence == precedence && !right_associative)
                        {
                            operators.pop();
                            self.reduce(&mut operands, top)?;
                        } else {
                            break;
                        }
                    }
                    operators.push((op, precedence));
                }
                Rule::is_test | Rule::as_cast => {
                    while let Some(&(top, top_precedence)) = operators.last() {
                        if top_precedence >= RELATIONAL {
                            operators.pop();
                            self.reduce(&mut operands, top)?;
                        } else {
                            break;
                        }
                    }
                    let operand = operands
                        .pop()
                        .ok_or_else(|| self.missing(&item, "an operand"))?;
                    let span = operand.span.cover(span_of(&item));
                    let depth = operand.depth;
                    let kind = if item.as_rule() == Rule::is_test {
                        let pattern_pair = item
                            .clone()
                            .into_inner()
                            .find(|p| p.as_rule() == Rule::pattern)
                            .ok_or_else(|| self.missing(&item, "a pattern"))?;
                        ExprKind::Is {
                            operand: Box::new(operand),
                            pattern: self.pattern(pattern_pair)?,
                        }
                    } else {
                        let ty = item
                            .clone()
                            .into_inner()
                            .find(|p| p.as_rule() == Rule::type_no_nullable)
                            .ok_or_else(|| self.missing(&item, "a type"))?;
                        let mut ty = self.type_syntax(ty)?;
                        if item
                            .clone()
                            .into_inner()
                            .any(|p| p.as_rule() == Rule::as_nullable)
                        {
                            ty.nullable = true;
                        }
                        ExprKind::As {
                            operand: Box::new(operand),
                            ty,
                        }
                    };
                    operands.push(self.node(kind, span, depth)?);
                }
                _ => {}
            }
        }
        while let Some((op, _)) = operators.pop() {
            self.reduce(&mut operands, op)?;
        }
        match (operands.pop(), operands.is_empty()) {
            (Some(expr), true) => Ok(expr),
            _ => Err(Diagnostic::new(
                Code::ExpressionSyntax,
                Span::default(),
                "cannot read the operators here",
            )
            .with_help("this is a bug in gatehouse; please report it with the expression")),
        }
    }

    fn reduce(&self, operands: &mut Vec<Expr>, op: BinaryOp) -> Result<()> {
        let (Some(right), Some(left)) = (operands.pop(), operands.pop()) else {
            return Err(Diagnostic::new(
                Code::ExpressionSyntax,
                Span::default(),
                format!("`{}` is missing an operand", op.symbol()),
            )
            .with_help("write an operand on each side of the operator"));
        };
        let span = left.span.cover(right.span);
        let depth = left.depth.max(right.depth);
        operands.push(self.node(
            ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
            span,
            depth,
        )?);
        Ok(())
    }

    fn unary(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let mut prefixes: Vec<Pair<'_, Rule>> = Vec::new();
        let mut operand = None;
        for item in pair.clone().into_inner() {
            match item.as_rule() {
                Rule::prefix_op => prefixes.push(item),
                Rule::postfix_expr => operand = Some(self.postfix(item)?),
                _ => {}
            }
        }
        if let Some(first_prefix) = prefixes.first()
            && prefixes.len() > self.max_depth as usize
        {
            return Err(Diagnostic::new(
                Code::ExpressionTooDeep,
                span_of(first_prefix),
                format!("more than {} prefix operators in a row", self.max_depth),
            )
            .with_help("split the expression with local variables in a `@{ … }` block"));
        }
        let mut expr = operand.ok_or_else(|| self.missing(&pair, "an operand"))?;
        for prefix in prefixes.into_iter().rev() {
            let span = span_of(&prefix).cover(expr.span);
            let depth = expr.depth;
            let kind = match first(&prefix) {
                Some(cast) if cast.as_rule() == Rule::cast_op => {
                    let ty_pair = first(&cast).ok_or_else(|| self.missing(&cast, "a type"))?;
                    let ty = if ty_pair.as_rule() == Rule::predefined_cast_type {
                        self.predefined_cast_type(ty_pair)?
                    } else {
                        self.type_syntax(ty_pair)?
                    };
                    ExprKind::Cast {
                        ty,
                        operand: Box::new(expr),
                    }
                }
                Some(increment) if increment.as_rule() == Rule::pre_increment => ExprKind::Unary {
                    op: UnaryOp::PreIncrement,
                    operand: Box::new(expr),
                },
                Some(decrement) if decrement.as_rule() == Rule::pre_decrement => ExprKind::Unary {
                    op: UnaryOp::PreDecrement,
                    operand: Box::new(expr),
                },
                _ => {
                    let op = match prefix.as_str().trim() {
                        "!" => UnaryOp::Not,
                        "-" => UnaryOp::Negate,
                        "+" => UnaryOp::Plus,
                        _ => UnaryOp::Complement,
                    };
                    ExprKind::Unary {
                        op,
                        operand: Box::new(expr),
                    }
                }
            };
            expr = self.node(kind, span, depth)?;
        }
        Ok(expr)
    }

    fn postfix(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let mut items = pair.clone().into_inner();
        let primary = items
            .next()
            .ok_or_else(|| self.missing(&pair, "an operand"))?;
        let mut expr = self.primary(primary)?;
        let mut conditional_chain = false;
        for item in items {
            let span = expr.span.cover(span_of(&item));
            let depth = expr.depth;
            let kind = match item.as_rule() {
                Rule::member_access | Rule::null_member_access => {
                    let conditional = item.as_rule() == Rule::null_member_access;
                    conditional_chain |= conditional;
                    let mut parts = item.clone().into_inner();
                    let name = parts
                        .next()
                        .ok_or_else(|| self.missing(&item, "a member name"))?;
                    let type_args = match parts.next() {
                        Some(args) => self.generic_args(args)?,
                        None => Vec::new(),
                    };
                    ExprKind::Member {
                        target: Box::new(expr),
                        name: ident(&name),
                        type_args,
                        conditional,
                    }
                }
                Rule::call => ExprKind::Call {
                    target: Box::new(expr),
                    args: self.arguments_of(item)?,
                },
                Rule::index | Rule::null_index => {
                    let conditional = item.as_rule() == Rule::null_index;
                    conditional_chain |= conditional;
                    ExprKind::Index {
                        target: Box::new(expr),
                        args: self.arguments_of(item)?,
                        conditional,
                    }
                }
                Rule::post_increment => ExprKind::Unary {
                    op: UnaryOp::PostIncrement,
                    operand: Box::new(expr),
                },
                Rule::post_decrement => ExprKind::Unary {
                    op: UnaryOp::PostDecrement,
                    operand: Box::new(expr),
                },
                _ => continue,
            };
            expr = self.node(kind, span, depth)?;
        }
        if conditional_chain {
            // `a?.b.c` is null as a whole when `a` is: the chain ends here.
            let span = expr.span;
            let depth = expr.depth;
            expr = self.node(ExprKind::NullConditionalChain(Box::new(expr)), span, depth)?;
        }
        Ok(expr)
    }

    fn arguments_of(&self, pair: Pair<'_, Rule>) -> Result<Vec<Argument>> {
        match pair.into_inner().find(|p| p.as_rule() == Rule::arguments) {
            Some(arguments) => self.arguments(arguments),
            None => Ok(Vec::new()),
        }
    }

    fn arguments(&self, pair: Pair<'_, Rule>) -> Result<Vec<Argument>> {
        pair.into_inner()
            .filter(|p| p.as_rule() == Rule::argument)
            .map(|argument| self.argument(argument))
            .collect()
    }

    fn argument(&self, pair: Pair<'_, Rule>) -> Result<Argument> {
        let span = span_of(&pair);
        let mut name = None;
        let mut value = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::argument_name => name = first(&part).map(|id| ident(&id)),
                Rule::expr => value = Some(ArgumentValue::Value(self.expr(part)?)),
                Rule::ref_argument => {
                    let expr = part
                        .clone()
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::expr)
                        .ok_or_else(|| self.missing(&part, "a variable"))?;
                    value = Some(ArgumentValue::Ref(self.expr(expr)?));
                }
                Rule::out_argument => {
                    for out in part.clone().into_inner() {
                        match out.as_rule() {
                            Rule::expr => value = Some(ArgumentValue::Out(self.expr(out)?)),
                            Rule::out_declaration => {
                                let mut ty = None;
                                let mut declared = None;
                                for piece in out.into_inner() {
                                    match piece.as_rule() {
                                        Rule::type_syntax => ty = Some(self.type_syntax(piece)?),
                                        Rule::identifier => declared = Some(ident(&piece)),
                                        _ => {}
                                    }
                                }
                                let name = declared
                                    .ok_or_else(|| self.missing(&part, "a variable name"))?;
                                value = Some(ArgumentValue::OutDeclaration { ty, name });
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Argument {
            name,
            value: value.ok_or_else(|| self.missing(&pair, "an argument"))?,
            span,
        })
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let inner = first(&pair).ok_or_else(|| self.missing(&pair, "an operand"))?;
        let span = span_of(&inner);
        match inner.as_rule() {
            Rule::parenthesized => {
                let expr = first(&inner).ok_or_else(|| self.missing(&inner, "an expression"))?;
                self.expr(expr)
            }
            Rule::named_value => {
                let text = inner.as_str();
                let name = text
                    .get(2..text.len().saturating_sub(2))
                    .unwrap_or_default();
                self.node(ExprKind::NamedValue(name.to_owned()), span, 0)
            }
            Rule::identifier_with_args => {
                let mut parts = inner.clone().into_inner();
                let name = parts.next().ok_or_else(|| self.missing(&inner, "a name"))?;
                let type_args = match parts.next() {
                    Some(args) => self.generic_args(args)?,
                    None => Vec::new(),
                };
                self.node(
                    ExprKind::Name {
                        name: ident(&name),
                        type_args,
                    },
                    span,
                    0,
                )
            }
            Rule::predefined_type => {
                let keyword = Predefined::from_keyword(inner.as_str())
                    .ok_or_else(|| self.missing(&inner, "a type"))?;
                self.node(ExprKind::PredefinedType(keyword), span, 0)
            }
            Rule::new_expression => self.new_expression(inner),
            Rule::typeof_expr => {
                let ty = self.inner_type(&inner)?;
                self.node(ExprKind::Typeof(ty), span, 0)
            }
            Rule::default_expr => {
                let ty = match inner
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::type_syntax)
                {
                    Some(ty) => Some(self.type_syntax(ty)?),
                    None => None,
                };
                self.node(ExprKind::Default(ty), span, 0)
            }
            Rule::nameof_expr | Rule::checked_expr | Rule::unchecked_expr | Rule::throw_expr => {
                let operand = inner
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                    .ok_or_else(|| self.missing(&inner, "an expression"))?;
                let operand = self.expr(operand)?;
                let depth = operand.depth;
                let operand = Box::new(operand);
                let kind = match inner.as_rule() {
                    Rule::nameof_expr => ExprKind::Nameof(operand),
                    Rule::checked_expr => ExprKind::Checked(operand),
                    Rule::unchecked_expr => ExprKind::Unchecked(operand),
                    _ => ExprKind::Throw(operand),
                };
                self.node(kind, span, depth)
            }
            Rule::this_expr => self.node(ExprKind::This, span, 0),
            _ => self.literal(inner),
        }
    }

    fn inner_type(&self, pair: &Pair<'_, Rule>) -> Result<TypeSyntax> {
        let ty = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::type_syntax)
            .ok_or_else(|| self.missing(pair, "a type"))?;
        self.type_syntax(ty)
    }

    fn new_expression(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = span_of(&pair);
        let form = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() != Rule::kw_new)
            .ok_or_else(|| self.missing(&pair, "what to create"))?;
        match form.as_rule() {
            Rule::anonymous_object => {
                let mut members = Vec::new();
                let mut depth = 0;
                for member in form.into_inner() {
                    let mut parts = member.clone().into_inner();
                    let a = parts
                        .next()
                        .ok_or_else(|| self.missing(&member, "a member"))?;
                    let (name, value) = match parts.next() {
                        Some(value) => (Some(ident(&a)), self.expr(value)?),
                        None => (None, self.expr(a)?),
                    };
                    depth = depth.max(value.depth);
                    members.push(AnonymousMember { name, value });
                }
                self.node(ExprKind::NewAnonymous { members }, span, depth)
            }
            Rule::implicit_array => {
                let init = form
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::array_initializer)
                    .ok_or_else(|| self.missing(&form, "the elements"))?;
                let (items, depth) = self.array_initializer(init)?;
                self.node(
                    ExprKind::NewArray {
                        element: None,
                        sizes: Vec::new(),
                        items: Some(items),
                    },
                    span,
                    depth,
                )
            }
            Rule::array_creation => self.array_creation(form, span),
            _ => self.object_creation(form, span),
        }
    }

    fn array_creation(&self, pair: Pair<'_, Rule>, span: Span) -> Result<Expr> {
        let mut name = None;
        let mut args = Vec::new();
        let mut nullable = false;
        let mut sizes = Vec::new();
        let mut ranks = Vec::new();
        let mut items = None;
        let mut depth = 0;
        let mut sized = false;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::type_name => name = Some(self.type_name(part)?),
                Rule::type_args => args = self.type_args(part)?,
                Rule::nullable_mark => nullable = true,
                Rule::expr => {
                    let size = self.expr(part)?;
                    depth = depth.max(size.depth);
                    sizes.push(size);
                    sized = true;
                }
                Rule::rank => ranks.push(rank_of(&part)),
                Rule::array_initializer => {
                    let (parsed, item_depth) = self.array_initializer(part)?;
                    depth = depth.max(item_depth);
                    items = Some(parsed);
                }
                _ => {}
            }
        }
        let name = name.ok_or_else(|| self.missing(&pair, "an element type"))?;
        // `new T[n][]`: the element type is `T[]`; `new T[][] { … }`: the first rank is the array.
        if !sized && !ranks.is_empty() {
            ranks.remove(0);
        }
        let element = TypeSyntax {
            name,
            args,
            nullable,
            ranks,
            span,
        };
        self.node(
            ExprKind::NewArray {
                element: Some(element),
                sizes,
                items,
            },
            span,
            depth,
        )
    }

    fn object_creation(&self, pair: Pair<'_, Rule>, span: Span) -> Result<Expr> {
        let mut name = None;
        let mut args = Vec::new();
        let mut arguments = Vec::new();
        let mut initializer = None;
        let mut depth = 0;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::type_name => name = Some(self.type_name(part)?),
                Rule::type_args => args = self.type_args(part)?,
                Rule::arguments => {
                    arguments = self.arguments(part)?;
                    depth = depth.max(max_argument_depth(&arguments));
                }
                Rule::object_initializer => {
                    let (items, item_depth) = self.object_initializer(part)?;
                    depth = depth.max(item_depth);
                    initializer = Some(items);
                }
                _ => {}
            }
        }
        let name = name.ok_or_else(|| self.missing(&pair, "a type"))?;
        let ty = TypeSyntax {
            name,
            args,
            nullable: false,
            ranks: Vec::new(),
            span,
        };
        self.node(
            ExprKind::New {
                ty,
                args: arguments,
                initializer,
            },
            span,
            depth,
        )
    }

    fn array_initializer(&self, pair: Pair<'_, Rule>) -> Result<(Vec<ArrayItem>, u32)> {
        let mut items = Vec::new();
        let mut depth = 0;
        for initializer in pair.into_inner() {
            let (item, item_depth) = self.variable_initializer(initializer)?;
            depth = depth.max(item_depth);
            items.push(item);
        }
        Ok((items, depth))
    }

    fn variable_initializer(&self, pair: Pair<'_, Rule>) -> Result<(ArrayItem, u32)> {
        let inner = first(&pair).ok_or_else(|| self.missing(&pair, "a value"))?;
        if inner.as_rule() == Rule::array_initializer {
            let span = span_of(&inner);
            let (items, depth) = self.array_initializer(inner)?;
            Ok((ArrayItem::Nested(items, span), depth))
        } else {
            let expr = self.expr(inner)?;
            let depth = expr.depth;
            Ok((ArrayItem::Expr(expr), depth))
        }
    }

    fn object_initializer(&self, pair: Pair<'_, Rule>) -> Result<(Vec<InitItem>, u32)> {
        let mut items = Vec::new();
        let mut depth = 0;
        for item in pair.into_inner() {
            let inner = first(&item).ok_or_else(|| self.missing(&item, "an initializer"))?;
            let parsed = match inner.as_rule() {
                Rule::member_initializer => {
                    let mut parts = inner.clone().into_inner();
                    let name = parts
                        .next()
                        .ok_or_else(|| self.missing(&inner, "a member"))?;
                    let value = parts
                        .next()
                        .ok_or_else(|| self.missing(&inner, "a value"))?;
                    let value = if value.as_rule() == Rule::object_initializer {
                        let (nested, nested_depth) = self.object_initializer(value)?;
                        depth = depth.max(nested_depth);
                        InitValue::Object(nested)
                    } else {
                        let expr = self.expr(value)?;
                        depth = depth.max(expr.depth);
                        InitValue::Expr(expr)
                    };
                    InitItem::Member {
                        name: ident(&name),
                        value,
                    }
                }
                Rule::index_initializer => {
                    let mut args = Vec::new();
                    let mut value = None;
                    for part in inner.clone().into_inner() {
                        match part.as_rule() {
                            Rule::arguments => args = self.arguments(part)?,
                            Rule::expr => value = Some(self.expr(part)?),
                            _ => {}
                        }
                    }
                    let value = value.ok_or_else(|| self.missing(&inner, "a value"))?;
                    depth = depth.max(value.depth).max(max_argument_depth(&args));
                    InitItem::Index { args, value }
                }
                Rule::element_initializer => {
                    let span = span_of(&inner);
                    let values = inner
                        .into_inner()
                        .map(|value| self.expr(value))
                        .collect::<Result<Vec<_>>>()?;
                    depth = depth.max(values.iter().map(|v| v.depth).max().unwrap_or(0));
                    InitItem::Element { values, span }
                }
                _ => {
                    let expr = self.expr(inner)?;
                    depth = depth.max(expr.depth);
                    InitItem::Expr(expr)
                }
            };
            items.push(parsed);
        }
        Ok((items, depth))
    }

    fn pattern(&self, pair: Pair<'_, Rule>) -> Result<Pattern> {
        let mut parts = pair.clone().into_inner();
        let head = parts
            .next()
            .ok_or_else(|| self.missing(&pair, "a pattern"))?;
        match head.as_rule() {
            Rule::null_lit => Ok(Pattern::Null),
            Rule::type_no_nullable => Ok(Pattern::Type {
                ty: self.type_syntax(head)?,
                binding: parts.next().map(|name| ident(&name)),
            }),
            _ => {
                let negative = head.as_str().trim_start().starts_with('-');
                let literal_pair = if head.as_rule() == Rule::constant_pattern {
                    first(&head).ok_or_else(|| self.missing(&head, "a constant"))?
                } else {
                    head.clone()
                };
                let mut expr = self.literal(literal_pair)?;
                if negative {
                    let span = span_of(&head);
                    let depth = expr.depth;
                    expr = self.node(
                        ExprKind::Unary {
                            op: UnaryOp::Negate,
                            operand: Box::new(expr),
                        },
                        span,
                        depth,
                    )?;
                }
                Ok(Pattern::Constant(Box::new(expr)))
            }
        }
    }

    // ----- literals -----

    fn literal(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = span_of(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::null_lit => ExprKind::Literal(Literal::Null),
            Rule::bool_lit => ExprKind::Literal(Literal::Bool(text == "true")),
            Rule::integer_lit => ExprKind::Literal(integer_literal(text, span)?),
            Rule::real_lit => ExprKind::Literal(real_literal(text)),
            Rule::string_lit => {
                let body = text
                    .get(1..text.len().saturating_sub(1))
                    .unwrap_or_default();
                ExprKind::Literal(Literal::String(decode_escapes(
                    body,
                    span.start as usize + 1,
                )?))
            }
            Rule::verbatim_lit => {
                let body = text
                    .get(2..text.len().saturating_sub(1))
                    .unwrap_or_default();
                ExprKind::Literal(Literal::String(body.replace("\"\"", "\"")))
            }
            Rule::char_lit => {
                let body = text
                    .get(1..text.len().saturating_sub(1))
                    .unwrap_or_default();
                let units = decode_escapes_utf16(body, span.start as usize + 1)?;
                match units.as_slice() {
                    [unit] => ExprKind::Literal(Literal::Char(*unit)),
                    // `'Authorization'`: single quotes written for a string, as in
                    // JavaScript or SQL.
                    [] => {
                        return Err(Diagnostic::new(
                            Code::InvalidLiteral,
                            span,
                            "`''` is an empty character literal; a character literal holds exactly one character",
                        )
                        .with_help("write an empty string as `\"\"` (C# strings use double quotes)"));
                    }
                    _ => {
                        return Err(Diagnostic::new(
                            Code::InvalidLiteral,
                            span,
                            format!(
                                "`{text}` is a character literal, which holds exactly one character"
                            ),
                        )
                        .with_help(format!("C# strings use double quotes: `\"{body}\"`")));
                    }
                }
            }
            Rule::interpolated_lit | Rule::verbatim_interpolated_lit => {
                return self.interpolated(pair);
            }
            _ => return Err(self.missing(&pair, "a literal")),
        };
        self.node(kind, span, 0)
    }

    fn interpolated(&self, pair: Pair<'_, Rule>) -> Result<Expr> {
        let span = span_of(&pair);
        let mut parts = Vec::new();
        let mut depth = 0;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::interp_text => {
                    let offset = part.as_span().start();
                    parts.push(InterpolationPart::Text(decode_escapes(
                        part.as_str(),
                        offset,
                    )?));
                }
                Rule::verbatim_interp_text => {
                    parts.push(InterpolationPart::Text(part.as_str().replace("\"\"", "\"")));
                }
                Rule::interp_escape => {
                    parts.push(InterpolationPart::Text(
                        part.as_str().get(..1).unwrap_or_default().to_owned(),
                    ));
                }
                Rule::interp_hole => {
                    let mut value = None;
                    let mut alignment = None;
                    let mut format = None;
                    for piece in part.into_inner() {
                        match piece.as_rule() {
                            Rule::expr => value = Some(self.expr(piece)?),
                            Rule::interp_alignment => {
                                let expr = first(&piece)
                                    .ok_or_else(|| self.missing(&piece, "an alignment"))?;
                                alignment = Some(self.expr(expr)?);
                            }
                            Rule::interp_format => format = Some(piece.as_str().to_owned()),
                            _ => {}
                        }
                    }
                    let value = value.ok_or_else(|| {
                        Diagnostic::new(
                            Code::ExpressionSyntax,
                            span,
                            "an interpolation hole is empty",
                        )
                        .with_help(
                            "write an expression between `{` and `}`, or `{{` for a literal brace",
                        )
                    })?;
                    depth = depth.max(value.depth);
                    parts.push(InterpolationPart::Hole {
                        value: Box::new(value),
                        alignment: alignment.map(Box::new),
                        format,
                    });
                }
                _ => {}
            }
        }
        // Adjacent text pieces (escapes split them) read as one.
        let mut merged: Vec<InterpolationPart> = Vec::with_capacity(parts.len());
        for part in parts {
            match (merged.last_mut(), part) {
                (Some(InterpolationPart::Text(previous)), InterpolationPart::Text(text)) => {
                    previous.push_str(&text);
                }
                (_, part) => merged.push(part),
            }
        }
        self.node(ExprKind::Interpolated { parts: merged }, span, depth)
    }

    // ----- types -----

    fn type_name(&self, pair: Pair<'_, Rule>) -> Result<TypeName> {
        let inner = first(&pair).ok_or_else(|| self.missing(&pair, "a type name"))?;
        match inner.as_rule() {
            Rule::predefined_type => Predefined::from_keyword(inner.as_str())
                .map(TypeName::Predefined)
                .ok_or_else(|| self.missing(&inner, "a type")),
            _ => Ok(TypeName::Qualified(
                inner.into_inner().map(|id| ident(&id)).collect(),
            )),
        }
    }

    fn type_args(&self, pair: Pair<'_, Rule>) -> Result<Vec<TypeSyntax>> {
        pair.into_inner().map(|ty| self.type_syntax(ty)).collect()
    }

    fn generic_args(&self, pair: Pair<'_, Rule>) -> Result<Vec<TypeSyntax>> {
        match first(&pair) {
            Some(args) => self.type_args(args),
            None => Ok(Vec::new()),
        }
    }

    fn type_syntax(&self, pair: Pair<'_, Rule>) -> Result<TypeSyntax> {
        let span = span_of(&pair);
        let mut name = None;
        let mut args = Vec::new();
        let mut nullable = false;
        let mut ranks = Vec::new();
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::type_name => name = Some(self.type_name(part)?),
                Rule::type_args => args = self.type_args(part)?,
                Rule::nullable_mark => nullable = true,
                Rule::rank => ranks.push(rank_of(&part)),
                _ => {}
            }
        }
        Ok(TypeSyntax {
            name: name.ok_or_else(|| self.missing(&pair, "a type"))?,
            args,
            nullable,
            ranks,
            span,
        })
    }

    fn predefined_cast_type(&self, pair: Pair<'_, Rule>) -> Result<TypeSyntax> {
        let span = span_of(&pair);
        let mut name = None;
        let mut nullable = false;
        let mut ranks = Vec::new();
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::predefined_type => name = Predefined::from_keyword(part.as_str()),
                Rule::nullable_mark => nullable = true,
                Rule::rank => ranks.push(rank_of(&part)),
                _ => {}
            }
        }
        Ok(TypeSyntax {
            name: TypeName::Predefined(name.ok_or_else(|| self.missing(&pair, "a type"))?),
            args: Vec::new(),
            nullable,
            ranks,
            span,
        })
    }

    // ----- statements -----

    fn block(&self, pair: Pair<'_, Rule>) -> Result<Block> {
        let span = span_of(&pair);
        let statements = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::statement)
            .map(|statement| self.statement(statement))
            .collect::<Result<Vec<_>>>()?;
        Ok(Block { statements, span })
    }

    fn expr_in(&self, pair: &Pair<'_, Rule>) -> Result<Expr> {
        let expr = pair
            .clone()
            .into_inner()
            .find(|p| p.as_rule() == Rule::expr)
            .ok_or_else(|| self.missing(pair, "an expression"))?;
        self.expr(expr)
    }

    fn statements_in(&self, pair: &Pair<'_, Rule>) -> Result<Vec<Stmt>> {
        pair.clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::statement)
            .map(|statement| self.statement(statement))
            .collect()
    }

    fn statement(&self, pair: Pair<'_, Rule>) -> Result<Stmt> {
        let inner = first(&pair).ok_or_else(|| self.missing(&pair, "a statement"))?;
        let span = span_of(&inner);
        let kind = match inner.as_rule() {
            Rule::block => StmtKind::Block(self.block(inner)?),
            Rule::empty_statement => StmtKind::Empty,
            Rule::expression_statement => StmtKind::Expr(self.expr_in(&inner)?),
            Rule::local_declaration_statement => {
                let declaration =
                    first(&inner).ok_or_else(|| self.missing(&inner, "a declaration"))?;
                StmtKind::Local(self.local_declaration(declaration)?)
            }
            Rule::local_function => self.local_function(inner)?,
            Rule::if_statement => {
                let condition = self.expr_in(&inner)?;
                let mut branches = self.statements_in(&inner)?.into_iter();
                let then = branches
                    .next()
                    .ok_or_else(|| self.missing(&inner, "a statement"))?;
                StmtKind::If {
                    condition,
                    then: Box::new(then),
                    otherwise: branches.next().map(Box::new),
                }
            }
            Rule::while_statement => {
                let condition = self.expr_in(&inner)?;
                let body = self.statements_in(&inner)?.into_iter().next();
                StmtKind::While {
                    condition,
                    body: Box::new(body.ok_or_else(|| self.missing(&inner, "a loop body"))?),
                }
            }
            Rule::do_statement => {
                let condition = self.expr_in(&inner)?;
                let body = self.statements_in(&inner)?.into_iter().next();
                StmtKind::DoWhile {
                    body: Box::new(body.ok_or_else(|| self.missing(&inner, "a loop body"))?),
                    condition,
                }
            }
            Rule::for_statement => self.for_statement(inner)?,
            Rule::foreach_statement => {
                let mut ty = None;
                let mut name = None;
                let mut collection = None;
                let mut body = None;
                for part in inner.clone().into_inner() {
                    match part.as_rule() {
                        Rule::type_syntax => ty = Some(self.type_syntax(part)?),
                        Rule::identifier => name = Some(ident(&part)),
                        Rule::expr => collection = Some(self.expr(part)?),
                        Rule::statement => body = Some(self.statement(part)?),
                        _ => {}
                    }
                }
                StmtKind::Foreach {
                    ty,
                    name: name.ok_or_else(|| self.missing(&inner, "a variable"))?,
                    collection: collection.ok_or_else(|| self.missing(&inner, "a collection"))?,
                    body: Box::new(body.ok_or_else(|| self.missing(&inner, "a loop body"))?),
                }
            }
            Rule::switch_statement => {
                let subject = self.expr_in(&inner)?;
                let mut sections = Vec::new();
                for section in inner
                    .clone()
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::switch_section)
                {
                    let mut labels = Vec::new();
                    let mut statements = Vec::new();
                    for part in section.into_inner() {
                        match part.as_rule() {
                            Rule::switch_label => labels.push(self.switch_label(part)?),
                            Rule::statement => statements.push(self.statement(part)?),
                            _ => {}
                        }
                    }
                    sections.push(SwitchSection { labels, statements });
                }
                StmtKind::Switch { subject, sections }
            }
            Rule::try_statement => {
                let mut body = None;
                let mut catches = Vec::new();
                let mut finally = None;
                for part in inner.clone().into_inner() {
                    match part.as_rule() {
                        Rule::block => body = Some(self.block(part)?),
                        Rule::catch_clause => catches.push(self.catch_clause(part)?),
                        Rule::finally_clause => {
                            let block = first(&part)
                                .into_iter()
                                .chain(part.clone().into_inner())
                                .find(|p| p.as_rule() == Rule::block)
                                .ok_or_else(|| self.missing(&part, "a block"))?;
                            finally = Some(self.block(block)?);
                        }
                        _ => {}
                    }
                }
                StmtKind::Try {
                    body: body.ok_or_else(|| self.missing(&inner, "a block"))?,
                    catches,
                    finally,
                }
            }
            Rule::using_statement => {
                let mut resource = None;
                let mut body = None;
                for part in inner.clone().into_inner() {
                    match part.as_rule() {
                        Rule::local_declaration => {
                            resource =
                                Some(UsingResource::Declaration(self.local_declaration(part)?));
                        }
                        Rule::expr => resource = Some(UsingResource::Expr(self.expr(part)?)),
                        Rule::statement => body = Some(self.statement(part)?),
                        _ => {}
                    }
                }
                StmtKind::Using {
                    resource: resource.ok_or_else(|| self.missing(&inner, "a resource"))?,
                    body: Box::new(body.ok_or_else(|| self.missing(&inner, "a body"))?),
                }
            }
            Rule::checked_block | Rule::unchecked_block => {
                let block = inner
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::block)
                    .ok_or_else(|| self.missing(&inner, "a block"))?;
                let block = self.block(block)?;
                if inner.as_rule() == Rule::checked_block {
                    StmtKind::Checked(block)
                } else {
                    StmtKind::Unchecked(block)
                }
            }
            Rule::return_statement | Rule::throw_statement => {
                let value = match inner
                    .clone()
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::expr)
                {
                    Some(expr) => Some(self.expr(expr)?),
                    None => None,
                };
                if inner.as_rule() == Rule::return_statement {
                    StmtKind::Return(value)
                } else {
                    StmtKind::Throw(value)
                }
            }
            Rule::break_statement => StmtKind::Break,
            Rule::continue_statement => StmtKind::Continue,
            _ => return Err(self.missing(&inner, "a statement")),
        };
        Ok(Stmt { kind, span })
    }

    fn local_declaration(&self, pair: Pair<'_, Rule>) -> Result<LocalDeclaration> {
        let span = span_of(&pair);
        let mut is_const = false;
        let mut ty = None;
        let mut declarators = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_const => is_const = true,
                Rule::type_syntax => ty = Some(self.type_syntax(part)?),
                Rule::variable_declarator => {
                    let mut pieces = part.clone().into_inner();
                    let name = pieces.next().ok_or_else(|| self.missing(&part, "a name"))?;
                    let init = match pieces.next() {
                        Some(init) => Some(self.variable_initializer(init)?.0),
                        None => None,
                    };
                    declarators.push(Declarator {
                        name: ident(&name),
                        init,
                    });
                }
                _ => {}
            }
        }
        Ok(LocalDeclaration {
            is_const,
            ty,
            declarators,
            span,
        })
    }

    fn local_function(&self, pair: Pair<'_, Rule>) -> Result<StmtKind> {
        let mut return_type = None;
        let mut name = None;
        let mut params = Vec::new();
        let mut body = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::type_syntax => return_type = Some(self.type_syntax(part)?),
                Rule::identifier => name = Some(ident(&part)),
                Rule::parameter => {
                    let mut pieces = part.clone().into_inner();
                    let ty = pieces
                        .next()
                        .ok_or_else(|| self.missing(&part, "a parameter type"))?;
                    let param_name = pieces
                        .next()
                        .ok_or_else(|| self.missing(&part, "a parameter name"))?;
                    params.push(Parameter {
                        ty: self.type_syntax(ty)?,
                        name: ident(&param_name),
                    });
                }
                Rule::block => body = Some(LambdaBody::Block(self.block(part)?)),
                Rule::expr => body = Some(LambdaBody::Expr(Box::new(self.expr(part)?))),
                _ => {}
            }
        }
        Ok(StmtKind::LocalFunction {
            return_type,
            name: name.ok_or_else(|| self.missing(&pair, "a function name"))?,
            params,
            body: body.ok_or_else(|| self.missing(&pair, "a function body"))?,
        })
    }

    fn for_statement(&self, pair: Pair<'_, Rule>) -> Result<StmtKind> {
        let mut init = None;
        let mut condition = None;
        let mut iterators = Vec::new();
        let mut body = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::for_initializer => {
                    let inner =
                        first(&part).ok_or_else(|| self.missing(&part, "an initializer"))?;
                    init = Some(if inner.as_rule() == Rule::local_declaration {
                        ForInit::Declaration(self.local_declaration(inner)?)
                    } else {
                        ForInit::Exprs(
                            part.into_inner()
                                .map(|expr| self.expr(expr))
                                .collect::<Result<Vec<_>>>()?,
                        )
                    });
                }
                Rule::expr => condition = Some(self.expr(part)?),
                Rule::for_iterator => {
                    iterators = part
                        .into_inner()
                        .map(|expr| self.expr(expr))
                        .collect::<Result<Vec<_>>>()?;
                }
                Rule::statement => body = Some(self.statement(part)?),
                _ => {}
            }
        }
        Ok(StmtKind::For {
            init,
            condition,
            iterators,
            body: Box::new(body.ok_or_else(|| self.missing(&pair, "a loop body"))?),
        })
    }

    fn switch_label(&self, pair: Pair<'_, Rule>) -> Result<SwitchLabel> {
        let span = span_of(&pair);
        let mut pattern = None;
        let mut guard = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::pattern => pattern = Some(self.pattern(part)?),
                Rule::expr => guard = Some(self.expr(part)?),
                _ => {}
            }
        }
        Ok(SwitchLabel {
            pattern,
            guard,
            span,
        })
    }

    fn catch_clause(&self, pair: Pair<'_, Rule>) -> Result<CatchClause> {
        let span = span_of(&pair);
        let mut ty = None;
        let mut name = None;
        let mut filter = None;
        let mut body = None;
        for part in pair.clone().into_inner() {
            match part.as_rule() {
                Rule::type_syntax => ty = Some(self.type_syntax(part)?),
                Rule::identifier => name = Some(ident(&part)),
                Rule::expr => filter = Some(self.expr(part)?),
                Rule::block => body = Some(self.block(part)?),
                _ => {}
            }
        }
        Ok(CatchClause {
            ty,
            name,
            filter,
            body: body.ok_or_else(|| self.missing(&pair, "a block"))?,
            span,
        })
    }
}

const RELATIONAL: u8 = 10;

fn precedence(op: BinaryOp) -> u8 {
    match op {
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 13,
        BinaryOp::Add | BinaryOp::Sub => 12,
        BinaryOp::Shl | BinaryOp::Shr => 11,
        BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Le | BinaryOp::Ge => RELATIONAL,
        BinaryOp::Eq | BinaryOp::Ne => 9,
        BinaryOp::BitAnd => 8,
        BinaryOp::BitXor => 7,
        BinaryOp::BitOr => 6,
        BinaryOp::And => 5,
        BinaryOp::Or => 4,
        BinaryOp::Coalesce => 3,
    }
}

fn binary_op(text: &str) -> BinaryOp {
    match text {
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        "%" => BinaryOp::Rem,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "<<" => BinaryOp::Shl,
        ">>" => BinaryOp::Shr,
        "<" => BinaryOp::Lt,
        ">" => BinaryOp::Gt,
        "<=" => BinaryOp::Le,
        ">=" => BinaryOp::Ge,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "&" => BinaryOp::BitAnd,
        "^" => BinaryOp::BitXor,
        "|" => BinaryOp::BitOr,
        "&&" => BinaryOp::And,
        "||" => BinaryOp::Or,
        _ => BinaryOp::Coalesce,
    }
}

fn ident(pair: &Pair<'_, Rule>) -> Ident {
    let text = pair.as_str();
    Ident {
        name: text.strip_prefix('@').unwrap_or(text).to_owned(),
        span: span_of(pair),
    }
}

fn rank_of(pair: &Pair<'_, Rule>) -> u8 {
    let commas = pair.as_str().bytes().filter(|&b| b == b',').count();
    u8::try_from(commas + 1).unwrap_or(u8::MAX)
}

fn max_argument_depth(arguments: &[Argument]) -> u32 {
    arguments
        .iter()
        .map(|argument| match &argument.value {
            ArgumentValue::Value(expr) | ArgumentValue::Out(expr) | ArgumentValue::Ref(expr) => {
                expr.depth
            }
            ArgumentValue::OutDeclaration { .. } => 0,
        })
        .max()
        .unwrap_or(0)
}

fn integer_literal(text: &str, span: Span) -> Result<Literal> {
    let lower = text.to_ascii_lowercase();
    let (digits, suffix) = if let Some(digits) = lower
        .strip_suffix("ul")
        .or_else(|| lower.strip_suffix("lu"))
    {
        (digits, IntSuffix::UL)
    } else if let Some(digits) = lower.strip_suffix('u') {
        (digits, IntSuffix::U)
    } else if let Some(digits) = lower.strip_suffix('l') {
        (digits, IntSuffix::L)
    } else {
        (lower.as_str(), IntSuffix::None)
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    let parsed = if let Some(hex) = digits.strip_prefix("0x") {
        u128::from_str_radix(hex, 16)
    } else if let Some(binary) = digits.strip_prefix("0b") {
        u128::from_str_radix(binary, 2)
    } else {
        digits.parse::<u128>()
    };
    match parsed {
        Ok(value) if value <= u128::from(u64::MAX) => Ok(Literal::Int { value, suffix }),
        _ => Err(Diagnostic::new(
            Code::InvalidLiteral,
            span,
            format!("integer literal `{text}` is too large"),
        )
        .with_help("the largest integer literal is 18446744073709551615 (`ulong.MaxValue`)")),
    }
}

fn real_literal(text: &str) -> Literal {
    let (digits, suffix) = match text.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('f') => (
            text.get(..text.len() - 1).unwrap_or_default(),
            RealSuffix::F,
        ),
        Some('d') => (
            text.get(..text.len() - 1).unwrap_or_default(),
            RealSuffix::D,
        ),
        Some('m') => (
            text.get(..text.len() - 1).unwrap_or_default(),
            RealSuffix::M,
        ),
        _ => (text, RealSuffix::None),
    };
    Literal::Real {
        text: digits.chars().filter(|&c| c != '_').collect(),
        suffix,
    }
}

/// Decodes C# escapes to UTF-16 code units.
fn decode_escapes_utf16(body: &str, offset: usize) -> Result<Vec<u16>> {
    let mut units = Vec::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        if c != '\\' {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buffer));
            continue;
        }
        let bad = |len: usize| {
            Diagnostic::new(
                Code::InvalidLiteral,
                Span::from_range(offset + index..offset + index + len),
                format!(
                    "unrecognized escape sequence `{}`",
                    body.get(index..index + len).unwrap_or("\\")
                ),
            )
            .with_help("C# knows \\' \\\" \\\\ \\0 \\a \\b \\f \\n \\r \\t \\v \\xH.. \\uHHHH \\UHHHHHHHH; write \\\\ for a backslash")
        };
        let Some((_, escape)) = chars.next() else {
            return Err(bad(1));
        };
        let simple = match escape {
            '\'' => Some(0x27),
            '"' => Some(0x22),
            '\\' => Some(0x5C),
            '0' => Some(0),
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(0x0C),
            'n' => Some(0x0A),
            'r' => Some(0x0D),
            't' => Some(9),
            'v' => Some(0x0B),
            _ => None,
        };
        if let Some(unit) = simple {
            units.push(unit);
            continue;
        }
        let (min, max) = match escape {
            'x' => (1, 4),
            'u' => (4, 4),
            'U' => (8, 8),
            _ => return Err(bad(2)),
        };
        let mut hex = String::new();
        while hex.len() < max {
            match chars.peek() {
                Some(&(_, digit)) if digit.is_ascii_hexdigit() => {
                    hex.push(digit);
                    chars.next();
                }
                _ => break,
            }
        }
        if hex.len() < min {
            return Err(bad(2 + hex.len()));
        }
        let value = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
        if escape == 'U' {
            match char::from_u32(value) {
                Some(c) => {
                    let mut buffer = [0u16; 2];
                    units.extend_from_slice(c.encode_utf16(&mut buffer));
                }
                None => return Err(bad(2 + hex.len())),
            }
        } else {
            units.push(u16::try_from(value).unwrap_or(0xFFFD));
        }
    }
    Ok(units)
}

/// Decodes C# escapes to text; an unpaired surrogate becomes U+FFFD.
fn decode_escapes(body: &str, offset: usize) -> Result<String> {
    if !body.contains('\\') {
        return Ok(body.to_owned());
    }
    let units = decode_escapes_utf16(body, offset)?;
    Ok(String::from_utf16_lossy(&units))
}
