//! The checker: assigns every expression its C# static type, resolves names, members and
//! overloads, makes conversions explicit, and compiles the result to [`crate::ir`]. It reports
//! every problem it finds (a failed subexpression gets the `Unknown` type, which silences
//! follow-on errors) and produces code only when there were no errors.

mod call;
mod expr;
mod flow;
mod ops;
mod stmt;

use std::sync::Arc;

use gatehouse_diagnostics::{Code, Diagnostic, Severity, Span, edit_distance};
use gatehouse_expr_syntax::ast;

use crate::ir::{Function, FunctionBody, Ir, LocalRef};
use crate::library::{Registry, dotnet, registry};
use crate::types::Type;
use crate::value::Value;

/// What the checker knows about the place an expression sits in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Slot {
    /// The type the value must have (`bool` for a `condition`); `None` for text, which any
    /// value is converted to.
    pub expected: Option<Type>,
    /// The attribute or element, for messages (`condition`).
    pub name: Option<String>,
    /// The place also takes a `string` or `object` value, converted to `expected` when the
    /// policy runs (number and flag attributes): only values no conversion can help are
    /// errors. APIM does not document its rule for such values, so lint does not reject them.
    pub converts_text: bool,
    /// The value becomes text with `ToString()` (a header value, a URL, a cache key), so a
    /// collection, whose `ToString()` is its type name, is almost certainly a mistake.
    pub written_as_text: bool,
}

impl Slot {
    /// A place that takes any value and writes it out as text.
    pub fn text(name: &str) -> Slot {
        Slot {
            expected: None,
            name: Some(name.to_owned()),
            converts_text: false,
            written_as_text: false,
        }
    }

    /// The place for messages: `` `condition` ``, or "this place" when it has no name.
    fn described(&self) -> String {
        self.name
            .as_deref()
            .map_or("this place".to_owned(), |name| format!("`{name}`"))
    }

    /// A text place whose value is written out with `ToString()`: see
    /// [`Slot::written_as_text`].
    pub fn written_as_text(name: &str) -> Slot {
        Slot {
            written_as_text: true,
            ..Slot::text(name)
        }
    }

    /// A place whose value must convert implicitly to `expected` (`bool` for a condition).
    pub fn typed(name: &str, expected: Type) -> Slot {
        Slot {
            expected: Some(expected),
            name: Some(name.to_owned()),
            converts_text: false,
            written_as_text: false,
        }
    }

    /// A typed place that also converts text or an `object` when the policy runs (numeric and
    /// boolean attributes other than conditions).
    pub fn converted(name: &str, expected: Type) -> Slot {
        Slot {
            converts_text: true,
            ..Slot::typed(name, expected)
        }
    }
}

/// A successful check.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub function: Arc<Function>,
    pub result_type: Type,
}

/// What the checker learnt about an expression, errors or not: for rules across expressions.
#[derive(Clone, Debug)]
pub struct Facts {
    /// The static type of the value (`Unknown` when it could not be typed).
    pub result_type: Type,
    /// Variables read with a type the code insists on.
    pub variable_reads: Vec<VariableRead>,
}

/// `(T)context.Variables["name"]` or `context.Variables.GetValueOrDefault<T>("name", …)`: a
/// read that throws `InvalidCastException` when the variable holds something else.
#[derive(Clone, Debug)]
pub struct VariableRead {
    pub name: String,
    pub ty: Type,
    /// The cast or call, relative to the code (to the document once located).
    pub span: Span,
}

/// Checks and compiles `body`. Diagnostics' spans are relative to the code.
pub fn compile(body: &ast::Body, slot: &Slot) -> (Option<Compiled>, Vec<Diagnostic>) {
    let (compiled, diagnostics, _) = compile_with_facts(body, slot);
    (compiled, diagnostics)
}

/// [`compile`], and the [`Facts`] the checker gathered on the way.
pub fn compile_with_facts(
    body: &ast::Body,
    slot: &Slot,
) -> (Option<Compiled>, Vec<Diagnostic>, Facts) {
    let mut compiler = Compiler::new();
    let (body_ir, result_type, end_span) = match body {
        ast::Body::Expr(expr) => {
            let typed = compiler.expr(expr, slot.expected.as_ref());
            let span = typed.span;
            let ty = typed.ty.clone();
            if ty == Type::Void {
                compiler.error(
                    Code::ResultTypeMismatch,
                    span,
                    "the expression has no value: the method it calls returns `void`",
                    "use a `@{ … }` block that calls the method and then returns a value",
                );
            }
            (FunctionBody::Expr(typed.ir), ty, span)
        }
        ast::Body::Block(block) => {
            let statements = compiler.block(&block.statements);
            if flow::can_complete(&block.statements) {
                let end = Span::at(block.span.end as usize);
                compiler.error(
                    Code::MissingReturn,
                    end,
                    "the end of the block can be reached without a `return`",
                    "end every path with `return value;`",
                );
            }
            let ty = compiler.current.return_type();
            (FunctionBody::Block(statements), ty, block.span)
        }
    };
    let converted_later =
        slot.converts_text && matches!(result_type, Type::String | Type::Object | Type::Null);
    if let Some(expected) = &slot.expected
        && !result_type.is_unknown()
        && !converted_later
        && crate::types::implicit(&result_type, expected).is_none()
    {
        let what = slot.described();
        compiler.error(
            Code::ResultTypeMismatch,
            end_span,
            &format!("{what} needs a `{expected}`, but the expression is `{result_type}`"),
            &if slot.converts_text {
                format!(
                    "make the expression produce a `{expected}`; text or an `object` holding one is converted when the policy runs"
                )
            } else {
                format!("make the expression produce a `{expected}`")
            },
        );
    }
    if slot.written_as_text
        && let Some(help) = type_name_text(&result_type)
    {
        let what = slot.described();
        compiler.report(
            Code::RendersTypeName,
            end_span,
            &format!(
                "{what} is written as text, but `{result_type}` has no text of its own: it prints as its type name"
            ),
            help,
        );
    }
    let scope = std::mem::replace(&mut compiler.current, FunctionScope::new(None));
    // GH0120 foresees an exception when the expression runs (a constant pattern .NET refuses):
    // C# compiles it, APIM saves it, and running it throws as there. It does not stop compiling.
    let has_errors = compiler
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error && d.code != Code::ExpressionException);
    let facts = Facts {
        result_type: result_type.clone(),
        variable_reads: std::mem::take(&mut compiler.variable_reads),
    };
    let compiled = (!has_errors).then(|| Compiled {
        function: Arc::new(Function {
            name: "expression".to_owned(),
            params: 0,
            frame_size: scope.frame_size,
            leaf: !scope.creates_closures,
            body: body_ir,
            signature: Type::Func(Vec::new(), Box::new(result_type.clone())),
        }),
        result_type,
    });
    (compiled, compiler.diagnostics, facts)
}

/// An expression with its static type.
pub(crate) struct Typed {
    pub ir: Ir,
    pub ty: Type,
    /// The value, when the expression is a compile-time constant (literals and their
    /// negation): C# converts integer constants implicitly where they fit.
    pub constant: Option<Value>,
    pub span: Span,
}

impl Typed {
    fn new(ir: Ir, ty: Type, span: Span) -> Typed {
        Typed {
            ir,
            ty,
            constant: None,
            span,
        }
    }

    /// A placeholder after an error: type `Unknown` silences follow-on errors.
    fn error(span: Span) -> Typed {
        Typed::new(Ir::Const(Value::Null), Type::Unknown, span)
    }
}

#[derive(Clone, Debug)]
struct Local {
    slot: u16,
    ty: Type,
    /// `const` locals cannot be assigned.
    is_const: bool,
}

/// One function being compiled: the expression itself, a lambda, or a local function.
struct FunctionScope {
    /// Block scopes, innermost last: names and their locals.
    scopes: Vec<Vec<(String, Local)>>,
    frame_size: usize,
    /// Types of the `return` statements seen.
    returns: Vec<Type>,
    /// The declared return type (local functions, lambdas with a known delegate type).
    declared_return: Option<Type>,
    loops: u32,
    switches: u32,
    /// Creates lambdas or local functions: its frame may be captured.
    creates_closures: bool,
}

impl FunctionScope {
    fn new(declared_return: Option<Type>) -> Self {
        FunctionScope {
            scopes: vec![Vec::new()],
            frame_size: 0,
            returns: Vec::new(),
            declared_return,
            loops: 0,
            switches: 0,
            creates_closures: false,
        }
    }

    /// The type of a block body: the declared one, or the common type of its returns.
    fn return_type(&self) -> Type {
        if let Some(declared) = &self.declared_return {
            return declared.clone();
        }
        common_type(&self.returns).unwrap_or(Type::Void)
    }
}

/// The type every one of `types` converts to implicitly (one of them), if any.
pub(crate) fn common_type(types: &[Type]) -> Option<Type> {
    let candidates: Vec<&Type> = types
        .iter()
        .filter(|t| **t != Type::Null && !t.is_unknown())
        .collect();
    if candidates.is_empty() {
        return types.first().map(|_| {
            if types.iter().any(Type::is_unknown) {
                Type::Unknown
            } else {
                Type::Object
            }
        });
    }
    let has_null = types.contains(&Type::Null);
    for candidate in &candidates {
        if candidates
            .iter()
            .all(|t| crate::types::implicit(t, candidate).is_some())
            && (!has_null || candidate.is_nullable())
        {
            return Some((*candidate).clone());
        }
    }
    if has_null
        && let Some(first) = candidates.first()
        && first.is_value_type()
        && candidates.iter().all(|t| t == first)
    {
        return Some(Type::nullable((*first).clone()));
    }
    None
}

const NOT_ALLOWED_MEMBER_HELP: &str = "api-management-policy-expressions.md lists the members \
     of this type that expressions may use; APIM refuses to save a policy that uses another";

pub(crate) struct Compiler {
    registry: &'static Registry,
    diagnostics: Vec<Diagnostic>,
    /// The function being compiled, and the ones it is nested in (innermost last).
    current: FunctionScope,
    outer: Vec<FunctionScope>,
    /// Inside `checked(…)` or a `checked` block.
    checked: bool,
    /// Inside `unchecked(…)` or an `unchecked` block: constant expressions may overflow.
    unchecked: bool,
    /// The setter of the member the last resolved call chose (indexer assignment needs it).
    last_setter: Option<crate::library::NativeFn>,
    /// The type whose static method or constructor is being resolved, for the verdict on a
    /// call no overload of Gatehouse's fits (a receiver gives it for instance calls).
    call_owner: Option<Type>,
    /// Typed reads of `context.Variables`, for [`Facts`].
    variable_reads: Vec<VariableRead>,
    /// Inside the hole of `$"…${name}…"`: a Terraform or pipeline placeholder, most likely,
    /// which C# reads as a `$` and a hole.
    in_dollar_hole: bool,
}

impl Compiler {
    fn new() -> Self {
        Compiler {
            registry: registry(),
            diagnostics: Vec::new(),
            current: FunctionScope::new(None),
            outer: Vec::new(),
            checked: false,
            unchecked: false,
            last_setter: None,
            call_owner: None,
            variable_reads: Vec::new(),
            in_dollar_hole: false,
        }
    }

    fn report(&mut self, code: Code, span: Span, message: &str, help: &str) {
        let help = if help.is_empty() {
            default_help(code)
        } else {
            help
        };
        self.diagnostics
            .push(Diagnostic::new(code, span, message).with_help(help));
    }

    fn error(&mut self, code: Code, span: Span, message: &str, help: &str) {
        self.report(code, span, message, help);
    }

    /// Reports `message` once per expression: a later occurrence becomes an "also used here"
    /// label on the first report, so one cause is one diagnostic.
    fn report_once(&mut self, code: Code, span: Span, message: &str, help: &str) {
        if let Some(first) = self
            .diagnostics
            .iter_mut()
            .find(|d| d.code == code && d.message == message)
        {
            first.labels.push(gatehouse_diagnostics::Label {
                span,
                message: "also used here".to_owned(),
            });
            return;
        }
        self.report(code, span, message, help);
    }

    /// GH0114 when `path` goes through a type APIM allows and Gatehouse does not implement;
    /// true when it did (the caller then reports nothing else).
    fn unimplemented_type(&mut self, path: &str, span: Span) -> bool {
        let Some(name) = crate::library::unimplemented_type(path)
            .or_else(|| dotnet::allowed_type(path).map(dotnet::DotnetType::name))
        else {
            return false;
        };
        self.report_once(
            Code::NotImplemented,
            span,
            &format!("gatehouse does not implement `{name}` yet"),
            "",
        );
        true
    }

    /// GH0114 when `member` of `ty` is a .NET member APIM allows and Gatehouse does not
    /// evaluate; true when it did.
    fn unimplemented_member(&mut self, ty: &Type, member: &ast::Ident) -> bool {
        if !crate::library::unimplemented_member(ty, &member.name) {
            return false;
        }
        self.report_once(
            Code::NotImplemented,
            member.span,
            &format!("gatehouse does not implement `{ty}.{}` yet", member.name),
            "",
        );
        true
    }

    /// The verdict of .NET and APIM's allow-list on a member of `ty` Gatehouse does not have
    /// (called with `arity` arguments, if it is a call): GH0114 when .NET has it and APIM
    /// allows it, GH0106 when APIM's list leaves it out. True when it reported; the caller
    /// reports GH0104 or GH0105 otherwise.
    fn dotnet_member(
        &mut self,
        ty: &Type,
        name: &ast::Ident,
        used: dotnet::Use,
        arity: Option<usize>,
    ) -> bool {
        let shown = if used == dotnet::Use::Constructor {
            format!("new {ty}(…)")
        } else {
            format!("{ty}.{}", name.name)
        };
        let verdict = dotnet::of_type(ty.underlying())
            .map(|t| t.verdict(&name.name, used, arity))
            .filter(|v| *v != dotnet::Verdict::Missing)
            .or_else(|| {
                (used == dotnet::Use::Instance && dotnet::has_extension(ty, &name.name, arity))
                    .then_some(dotnet::Verdict::NotImplemented)
            });
        match verdict {
            Some(dotnet::Verdict::NotImplemented) => {
                self.report_once(
                    Code::NotImplemented,
                    name.span,
                    &format!("gatehouse does not implement `{shown}` yet"),
                    "",
                );
                true
            }
            Some(dotnet::Verdict::NotAllowed) => {
                self.report_once(
                    Code::TypeNotAllowed,
                    name.span,
                    &format!("`{shown}` is not on APIM's list of allowed members"),
                    NOT_ALLOWED_MEMBER_HELP,
                );
                true
            }
            _ => false,
        }
    }

    /// GH0106 when Gatehouse resolved `name` on `ty` but APIM's list of allowed members of
    /// that type leaves it out (`DateTime.UtcNow.ToUniversalTime()`: `DateTime` allows only
    /// the members the docs list).
    fn check_allowed_member(&mut self, ty: &Type, name: &str, span: Span) {
        let Some(dotnet_type) = dotnet::of_type(ty.underlying()) else {
            return;
        };
        if dotnet_type.has_member(name) && !dotnet_type.allows(name) {
            let shown = if name == ".ctor" {
                format!("new {}(…)", dotnet_type.name())
            } else {
                format!("{}.{name}", dotnet_type.name())
            };
            self.report_once(
                Code::TypeNotAllowed,
                span,
                &format!("`{shown}` is not on APIM's list of allowed members"),
                NOT_ALLOWED_MEMBER_HELP,
            );
        }
    }

    /// Starts compiling a nested function (a lambda or local function).
    fn enter_function(&mut self, declared_return: Option<Type>) {
        let outer = std::mem::replace(&mut self.current, FunctionScope::new(declared_return));
        self.outer.push(outer);
    }

    /// Finishes the nested function and returns its scope.
    fn leave_function(&mut self) -> FunctionScope {
        let enclosing = self.outer.pop().unwrap_or_else(|| FunctionScope::new(None));
        std::mem::replace(&mut self.current, enclosing)
    }

    /// Declares a local in the innermost scope and returns where it lives.
    fn declare(&mut self, name: &str, ty: Type, span: Span, is_const: bool) -> LocalRef {
        let duplicate = self
            .current
            .scopes
            .last()
            .is_some_and(|scope| scope.iter().any(|(n, _)| n == name));
        if duplicate {
            self.error(
                Code::InvalidStatement,
                span,
                &format!("a local variable named `{name}` is already declared in this scope"),
                "choose another name",
            );
        }
        let function = &mut self.current;
        let slot = u16::try_from(function.frame_size).unwrap_or(u16::MAX);
        function.frame_size += 1;
        if let Some(scope) = function.scopes.last_mut() {
            scope.push((name.to_owned(), Local { slot, ty, is_const }));
        }
        LocalRef { up: 0, slot }
    }

    /// Finds a local by name, searching outward through enclosing functions (captures).
    fn lookup(&self, name: &str) -> Option<(LocalRef, Local)> {
        for (up, function) in std::iter::once(&self.current)
            .chain(self.outer.iter().rev())
            .enumerate()
        {
            for scope in function.scopes.iter().rev() {
                if let Some((_, local)) = scope.iter().rev().find(|(n, _)| n == name) {
                    return Some((
                        LocalRef {
                            up: u16::try_from(up).unwrap_or(u16::MAX),
                            slot: local.slot,
                        },
                        local.clone(),
                    ));
                }
            }
        }
        None
    }

    fn local_names(&self) -> Vec<String> {
        std::iter::once(&self.current)
            .chain(self.outer.iter())
            .flat_map(|f| f.scopes.iter().flatten().map(|(n, _)| n.clone()))
            .collect()
    }

    fn push_scope(&mut self) {
        self.current.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.current.scopes.pop();
    }
}

/// The help line of a diagnostic whose message says it all.
fn default_help(code: Code) -> &'static str {
    match code {
        Code::UnknownName => "declare the variable first, or start from `context`",
        Code::UnknownMember => {
            "check the member's name and the static type of the value it is used on"
        }
        Code::NoMatchingOverload => {
            "pass arguments of the types one of the method's overloads takes"
        }
        Code::InvalidConversion => {
            "convert explicitly, or use a value of the type this place needs"
        }
        Code::InvalidOperator => "use operands of types the operator is defined for",
        Code::InvalidAssignment => "assign to a local variable instead",
        Code::NotImplemented => {
            "APIM accepts this, but the Gatehouse gateway cannot evaluate it yet; lint results are still complete"
        }
        Code::InvalidLiteral => "write the literal so that it fits its type",
        _ => "see the message",
    }
}

/// The closest candidate to `name`, for "did you mean".
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|candidate| {
            (
                edit_distance(&lower, &candidate.to_ascii_lowercase()),
                candidate,
            )
        })
        .filter(|(distance, candidate)| *distance <= (candidate.len().max(name.len()) / 3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// A pattern as C# binds it. `case JTokenType.Object:` parses as a type pattern, but C# binds
/// a dotted name as a value first: when the qualifier names a type (an enum, a class with
/// constants), the last part is its member and the pattern is a constant pattern. Without this,
/// `JTokenType.Object` would be the type `Object` and match every value.
fn bound_pattern(pattern: &ast::Pattern) -> std::borrow::Cow<'_, ast::Pattern> {
    use std::borrow::Cow;
    let ast::Pattern::Type { ty, binding: None } = pattern else {
        return Cow::Borrowed(pattern);
    };
    let ast::TypeName::Qualified(parts) = &ty.name else {
        return Cow::Borrowed(pattern);
    };
    let qualifier = match parts.split_last() {
        Some((_, qualifier)) if !qualifier.is_empty() => qualifier,
        _ => return Cow::Borrowed(pattern),
    };
    let prefix: Vec<&str> = qualifier.iter().map(|p| p.name.as_str()).collect();
    if !ty.args.is_empty()
        || ty.nullable
        || !ty.ranks.is_empty()
        || Type::by_name(&prefix.join("."), Vec::new()).is_none()
    {
        return Cow::Borrowed(pattern);
    }
    let mut names = parts.iter();
    let Some(first) = names.next() else {
        return Cow::Borrowed(pattern);
    };
    let mut expr = ast::Expr {
        kind: ast::ExprKind::Name {
            name: first.clone(),
            type_args: Vec::new(),
        },
        span: first.span,
        depth: 1,
    };
    for name in names {
        let span = Span::new(expr.span.start, name.span.end);
        let depth = expr.depth + 1;
        expr = ast::Expr {
            kind: ast::ExprKind::Member {
                target: Box::new(expr),
                name: name.clone(),
                type_args: Vec::new(),
                conditional: false,
            },
            span,
            depth,
        };
    }
    Cow::Owned(ast::Pattern::Constant(Box::new(expr)))
}

/// How to turn a value whose `ToString()` is its .NET type name (`System.String[]`) into the
/// text the author meant; `None` for types with text of their own.
fn type_name_text(ty: &Type) -> Option<&'static str> {
    use crate::types::Generic;
    match ty {
        Type::Array(_) => Some(
            "join the items (`string.Join(\",\", …)`) or pick one (`[0]`, `.FirstOrDefault()`)",
        ),
        Type::Generic(
            Generic::IEnumerable
            | Generic::IOrderedEnumerable
            | Generic::List
            | Generic::IList
            | Generic::HashSet
            | Generic::IGrouping,
            _,
        ) => Some("join the items (`string.Join(\",\", …)`) or pick one (`.FirstOrDefault()`)"),
        Type::Generic(
            Generic::Dictionary | Generic::IDictionary | Generic::IReadOnlyDictionary,
            _,
        ) => Some(
            "pick a value (`.GetValueOrDefault(\"name\", \"\")`) or build the text from the entries",
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean() {
        assert_eq!(closest("Lenght", ["Length", "Split"]), Some("Length"));
        assert_eq!(closest("contxt", ["context"]), Some("context"));
        assert_eq!(closest("zzz", ["Length"]), None);
    }

    #[test]
    fn common_types() {
        assert_eq!(common_type(&[Type::Int32, Type::Int64]), Some(Type::Int64));
        assert_eq!(common_type(&[Type::String, Type::Null]), Some(Type::String));
        assert_eq!(
            common_type(&[Type::Int32, Type::Null]),
            Some(Type::nullable(Type::Int32))
        );
        assert_eq!(common_type(&[Type::String, Type::Int32]), None);
    }
}
