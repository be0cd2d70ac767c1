//! Statements of `@{ … }` blocks, lambda bodies and local functions.

use std::sync::Arc;

use gatehouse_diagnostics::{Code, Span};
use gatehouse_expr_syntax::ast::{
    self, ArrayItem, ExprKind, LambdaBody, Pattern, StmtKind, UnaryOp,
};

use super::{Compiler, Typed};
use crate::ir::{
    CatchClause, Function, FunctionBody, Ir, LocalRef, Stmt, SwitchLabel, SwitchSection,
};
use crate::types::{Class, Type};
use crate::value::Value;

impl Compiler {
    /// A block: a new scope, local functions declared first so that they can be called before
    /// their declaration and from each other.
    pub(super) fn block(&mut self, statements: &[ast::Stmt]) -> Vec<Stmt> {
        self.push_scope();
        let compiled = self.statements(statements);
        self.pop_scope();
        compiled
    }

    /// A statement list. Local functions are declared first, so that they can be called before
    /// their declaration and from each other; their bodies are compiled last, when every local
    /// of the block is in scope (C# lets a local function use a variable declared after it, if
    /// it is assigned before the call). Their closures are made when the block starts.
    fn statements(&mut self, statements: &[ast::Stmt]) -> Vec<Stmt> {
        let mut functions = Vec::new();
        for statement in statements {
            if let StmtKind::LocalFunction {
                return_type,
                name,
                params,
                body,
            } = &statement.kind
            {
                let param_types: Vec<Type> =
                    params.iter().map(|p| self.resolve_type(&p.ty)).collect();
                let result = return_type
                    .as_ref()
                    .map_or(Type::Void, |t| self.resolve_type(t));
                let signature = Type::Func(param_types.clone(), Box::new(result.clone()));
                let slot = self.declare(&name.name, signature, name.span, true);
                functions.push((name, params, body, param_types, result, slot));
            }
        }
        let mut rest = Vec::new();
        for statement in statements {
            if !matches!(statement.kind, StmtKind::LocalFunction { .. }) {
                rest.extend(self.statement(statement));
            }
        }
        let mut out = Vec::with_capacity(functions.len() + rest.len());
        for (name, params, body, param_types, result, slot) in functions {
            let names: Vec<(String, Span)> = params
                .iter()
                .map(|p| (p.name.name.clone(), p.name.span))
                .collect();
            let function = self.function_body(&name.name, &names, &param_types, Some(result), body);
            out.push(Stmt::Store(slot, Ir::Closure(function.0)));
        }
        out.extend(rest);
        out
    }

    /// Compiles a lambda or local function body in a function scope of its own. With no
    /// declared result, the result is inferred from the body. Returns the function and its
    /// result type.
    pub(super) fn function_body(
        &mut self,
        name: &str,
        params: &[(String, Span)],
        param_types: &[Type],
        declared: Option<Type>,
        body: &LambdaBody,
    ) -> (Arc<Function>, Type) {
        self.enter_function(declared.clone());
        for ((param, span), ty) in params.iter().zip(param_types) {
            self.declare(param, ty.clone(), *span, false);
        }
        let (body_ir, result) = match body {
            LambdaBody::Expr(expr) => {
                let expected = declared.as_ref().filter(|t| **t != Type::Void);
                let typed = self.expr(expr, expected);
                let result = match &declared {
                    Some(Type::Void) => {
                        // An expression-bodied `void` function: any statement expression.
                        Type::Void
                    }
                    Some(declared) => {
                        let ir = self.convert(typed, declared);
                        self.current.returns.push(declared.clone());
                        return self.finish_function(
                            name,
                            param_types,
                            FunctionBody::Expr(ir),
                            declared.clone(),
                        );
                    }
                    None => typed.ty.clone(),
                };
                (FunctionBody::Expr(typed.ir), result)
            }
            LambdaBody::Block(block) => {
                let statements = self.block(&block.statements);
                let returns_value = declared.as_ref().is_some_and(|t| *t != Type::Void)
                    || (declared.is_none() && !self.current.returns.is_empty());
                if returns_value && super::flow::can_complete(&block.statements) {
                    self.error(
                        Code::MissingReturn,
                        Span::at(block.span.end as usize),
                        &format!("the end of `{name}` can be reached without a `return`"),
                        "end every path with `return value;`",
                    );
                }
                let result = self.current.return_type();
                (FunctionBody::Block(statements), result)
            }
        };
        self.finish_function(name, param_types, body_ir, result)
    }

    fn finish_function(
        &mut self,
        name: &str,
        param_types: &[Type],
        body: FunctionBody,
        result: Type,
    ) -> (Arc<Function>, Type) {
        let scope = self.leave_function();
        // The enclosing function makes a closure of this one, so its frame can be captured.
        self.current.creates_closures = true;
        let function = Arc::new(Function {
            name: name.to_owned(),
            params: param_types.len(),
            frame_size: scope.frame_size,
            leaf: !scope.creates_closures,
            body,
            signature: Type::Func(param_types.to_vec(), Box::new(result.clone())),
        });
        (function, result)
    }

    fn condition(&mut self, expr: &ast::Expr) -> Ir {
        let typed = self.expr(expr, Some(&Type::Bool));
        self.convert(typed, &Type::Bool)
    }

    fn scoped(&mut self, statement: &ast::Stmt) -> Vec<Stmt> {
        self.push_scope();
        let compiled = self.statement(statement);
        self.pop_scope();
        compiled
    }

    fn in_loop(&mut self, statement: &ast::Stmt) -> Vec<Stmt> {
        self.current.loops += 1;
        let body = self.scoped(statement);
        self.current.loops -= 1;
        body
    }

    pub(super) fn local_declaration(&mut self, declaration: &ast::LocalDeclaration) -> Vec<Stmt> {
        let declared = declaration.ty.as_ref().map(|t| self.resolve_type(t));
        let mut out = Vec::new();
        for declarator in &declaration.declarators {
            let span = declarator.name.span;
            let (ir, ty) = match (&declared, &declarator.init) {
                (None, None) => {
                    self.error(
                        Code::InvalidStatement,
                        span,
                        "a `var` variable needs a value",
                        "write `var name = value;`",
                    );
                    (Ir::Const(Value::Null), Type::Unknown)
                }
                (None, Some(ArrayItem::Nested(_, at))) => {
                    self.error(
                        Code::InvalidStatement,
                        *at,
                        "an array initializer needs an array type, not `var`",
                        "write `string[] name = { … };` or `var name = new[] { … };`",
                    );
                    (Ir::Const(Value::Null), Type::Unknown)
                }
                (None, Some(ArrayItem::Expr(expr)))
                    if matches!(expr.kind, ExprKind::Lambda { .. }) =>
                {
                    self.error(
                        Code::InvalidConversion,
                        expr.span,
                        "cannot infer a type for `var` from a lambda",
                        "give the variable a delegate type: `Func<string, int> f = s => s.Length;`",
                    );
                    (Ir::Const(Value::Null), Type::Unknown)
                }
                (None, Some(ArrayItem::Expr(expr))) => {
                    let typed = self.expr(expr, None);
                    match typed.ty {
                        Type::Null => {
                            self.error(
                                Code::InvalidConversion,
                                expr.span,
                                "cannot infer a type for `var` from `null`",
                                "give the variable a type: `string name = null;`",
                            );
                            (typed.ir, Type::Unknown)
                        }
                        Type::Void => {
                            self.error(
                                Code::InvalidConversion,
                                expr.span,
                                "the expression has no value to assign",
                                "call a method that returns a value",
                            );
                            (typed.ir, Type::Unknown)
                        }
                        ty => (typed.ir, ty),
                    }
                }
                (Some(ty), None) => (Ir::Default(ty.clone()), ty.clone()),
                (Some(ty), Some(ArrayItem::Expr(expr))) => {
                    let typed = self.expr(expr, Some(ty));
                    (self.convert(typed, ty), ty.clone())
                }
                (Some(ty), Some(ArrayItem::Nested(items, at))) => {
                    let ir = self.array_initializer(ty, items, *at);
                    (ir, ty.clone())
                }
            };
            if declaration.is_const && declarator.init.is_none() {
                self.error(
                    Code::InvalidStatement,
                    span,
                    "a `const` needs a value",
                    "write `const int name = 5;`",
                );
            }
            let local = self.declare(&declarator.name.name, ty, span, declaration.is_const);
            out.push(Stmt::Store(local, ir));
        }
        out
    }

    /// `{ a, b }` for a declared array type.
    fn array_initializer(&mut self, ty: &Type, items: &[ArrayItem], span: Span) -> Ir {
        let Type::Array(element) = ty else {
            if !ty.is_unknown() {
                self.error(
                    Code::InvalidConversion,
                    span,
                    &format!("an array initializer cannot make a `{ty}`"),
                    "use `new T[] { … }` for an array, or a collection initializer `new List<T> { … }`",
                );
            }
            return Ir::Const(Value::Null);
        };
        let compiled = items
            .iter()
            .map(|item| match item {
                ArrayItem::Expr(expr) => {
                    let typed = self.expr(expr, Some(element));
                    self.convert(typed, element)
                }
                ArrayItem::Nested(nested, at) => self.array_initializer(element, nested, *at),
            })
            .collect();
        Ir::ArrayOf {
            element: (**element).clone(),
            items: compiled,
        }
    }

    pub(super) fn statement(&mut self, statement: &ast::Stmt) -> Vec<Stmt> {
        let span = statement.span;
        match &statement.kind {
            StmtKind::Block(block) => vec![Stmt::Block(self.block(&block.statements))],
            StmtKind::Empty | StmtKind::LocalFunction { .. } => Vec::new(),
            StmtKind::Local(declaration) => self.local_declaration(declaration),
            StmtKind::Expr(expr) if self.deconstruction(expr) => Vec::new(),
            StmtKind::Expr(expr) => {
                let allowed = matches!(
                    &expr.kind,
                    ExprKind::Assign { .. }
                        | ExprKind::Call { .. }
                        | ExprKind::New { .. }
                        | ExprKind::Unary {
                            op: UnaryOp::PreIncrement
                                | UnaryOp::PreDecrement
                                | UnaryOp::PostIncrement
                                | UnaryOp::PostDecrement,
                            ..
                        }
                ) || matches!(&expr.kind, ExprKind::NullConditionalChain(inner) if matches!(inner.kind, ExprKind::Call { .. }));
                if !allowed {
                    self.error(
                        Code::InvalidStatement,
                        expr.span,
                        "only assignment, call, increment, decrement and `new` can be used as a statement",
                        "assign the value to a variable, or remove the statement",
                    );
                }
                let typed = self.expr(expr, None);
                vec![Stmt::Expr(typed.ir)]
            }
            StmtKind::If {
                condition,
                then,
                otherwise,
            } => {
                let condition = self.condition(condition);
                let then = self.scoped(then);
                let otherwise = otherwise
                    .as_deref()
                    .map(|s| self.scoped(s))
                    .unwrap_or_default();
                vec![Stmt::If {
                    condition,
                    then,
                    otherwise,
                }]
            }
            StmtKind::While { condition, body } => {
                let condition = self.condition(condition);
                let body = self.in_loop(body);
                vec![Stmt::While { condition, body }]
            }
            StmtKind::DoWhile { body, condition } => {
                let body = self.in_loop(body);
                let condition = self.condition(condition);
                vec![Stmt::DoWhile { body, condition }]
            }
            StmtKind::For {
                init,
                condition,
                iterators,
                body,
            } => {
                self.push_scope();
                let init = match init {
                    Some(ast::ForInit::Declaration(declaration)) => {
                        self.local_declaration(declaration)
                    }
                    Some(ast::ForInit::Exprs(exprs)) => exprs
                        .iter()
                        .map(|e| Stmt::Expr(self.expr(e, None).ir))
                        .collect(),
                    None => Vec::new(),
                };
                let condition = condition.as_ref().map(|c| self.condition(c));
                let step = iterators.iter().map(|e| self.expr(e, None).ir).collect();
                let body = self.in_loop(body);
                self.pop_scope();
                vec![Stmt::For {
                    init,
                    condition,
                    step,
                    body,
                }]
            }
            StmtKind::Foreach {
                ty,
                name,
                collection,
                body,
            } => {
                let collection = self.expr(collection, None);
                let element = match collection.ty.element_type() {
                    Some(element) => element,
                    None if collection.ty.is_unknown() || collection.ty == Type::Object => {
                        Type::Object
                    }
                    None => {
                        self.error(
                            Code::InvalidConversion,
                            collection.span,
                            &format!("`foreach` cannot go through a `{}`", collection.ty),
                            "loop over an array, a list, a dictionary, a string or a `JArray`",
                        );
                        Type::Unknown
                    }
                };
                let declared = ty.as_ref().map(|t| self.resolve_type(t));
                let (variable_type, convert) = match declared {
                    None => (element, None),
                    Some(declared) => {
                        let conversion = self.explicit_conversion(&element, &declared, name.span);
                        (declared, conversion)
                    }
                };
                self.push_scope();
                let variable = self.declare(&name.name, variable_type, name.span, false);
                let body = self.in_loop(body);
                self.pop_scope();
                vec![Stmt::Foreach {
                    collection: collection.ir,
                    variable,
                    convert,
                    body,
                    span,
                }]
            }
            StmtKind::Switch { subject, sections } => self.switch(subject, sections),
            StmtKind::Try {
                body,
                catches,
                finally,
            } => {
                let body = self.block(&body.statements);
                let catches = catches
                    .iter()
                    .map(|clause| self.catch_clause(clause))
                    .collect();
                let finally = finally
                    .as_ref()
                    .map(|f| self.block(&f.statements))
                    .unwrap_or_default();
                vec![Stmt::Try {
                    body,
                    catches,
                    finally,
                }]
            }
            StmtKind::Using { resource, body } => {
                self.push_scope();
                let mut out = match resource {
                    ast::UsingResource::Declaration(declaration) => {
                        self.local_declaration(declaration)
                    }
                    ast::UsingResource::Expr(expr) => vec![Stmt::Expr(self.expr(expr, None).ir)],
                };
                out.extend(self.scoped(body));
                self.pop_scope();
                vec![Stmt::Block(out)]
            }
            StmtKind::Checked(block) | StmtKind::Unchecked(block) => {
                let saved = (self.checked, self.unchecked);
                self.checked = matches!(statement.kind, StmtKind::Checked(_));
                self.unchecked = !self.checked;
                let compiled = self.block(&block.statements);
                (self.checked, self.unchecked) = saved;
                vec![Stmt::Block(compiled)]
            }
            StmtKind::Return(value) => {
                let declared = self.current.declared_return.clone();
                match (value, declared) {
                    (Some(expr), Some(Type::Void)) => {
                        self.error(
                            Code::InvalidStatement,
                            expr.span,
                            "a `void` function cannot return a value",
                            "write `return;`",
                        );
                        vec![Stmt::Return(None)]
                    }
                    (Some(expr), Some(declared)) => {
                        let typed = self.expr(expr, Some(&declared));
                        let ir = self.convert(typed, &declared);
                        vec![Stmt::Return(Some(ir))]
                    }
                    (Some(expr), None) => {
                        let typed = self.expr(expr, None);
                        if typed.ty == Type::Void {
                            self.error(
                                Code::InvalidConversion,
                                expr.span,
                                "the expression has no value to return",
                                "return a value",
                            );
                        }
                        self.current.returns.push(typed.ty.clone());
                        vec![Stmt::Return(Some(typed.ir))]
                    }
                    (None, Some(Type::Void)) => vec![Stmt::Return(None)],
                    (None, _) => {
                        if self.outer.is_empty() {
                            self.error(
                                Code::InvalidStatement,
                                span,
                                "the expression must return a value",
                                "write `return value;`",
                            );
                        }
                        vec![Stmt::Return(None)]
                    }
                }
            }
            StmtKind::Throw(value) => match value {
                Some(expr) => {
                    let typed = self.expr(expr, None);
                    if !typed.ty.is_unknown() && !typed.ty.is_class(Class::Exception) {
                        self.error(
                            Code::InvalidConversion,
                            expr.span,
                            &format!("`throw` needs an exception, not a `{}`", typed.ty),
                            "throw `new Exception(\"message\")`",
                        );
                    }
                    vec![Stmt::Throw(Some(typed.ir), span)]
                }
                None => vec![Stmt::Throw(None, span)],
            },
            StmtKind::Break => {
                if self.current.loops == 0 && self.current.switches == 0 {
                    self.error(
                        Code::InvalidStatement,
                        span,
                        "`break` outside a loop or `switch`",
                        "remove it",
                    );
                }
                vec![Stmt::Break]
            }
            StmtKind::Continue => {
                if self.current.loops == 0 {
                    self.error(
                        Code::InvalidStatement,
                        span,
                        "`continue` outside a loop",
                        "remove it",
                    );
                }
                vec![Stmt::Continue]
            }
        }
    }

    fn catch_clause(&mut self, clause: &ast::CatchClause) -> CatchClause {
        self.push_scope();
        let class = match &clause.ty {
            None => Class::Exception,
            Some(ty) => match self.resolve_type(ty) {
                Type::Class(class) if class.is_exception() => class,
                Type::Unknown => Class::Exception,
                other => {
                    self.error(
                        Code::InvalidConversion,
                        ty.span,
                        &format!("`catch` needs an exception type, not `{other}`"),
                        "catch `Exception` or one of its subclasses",
                    );
                    Class::Exception
                }
            },
        };
        let binding = clause
            .name
            .as_ref()
            .map(|name| self.declare(&name.name, Type::Class(class), name.span, false));
        let filter = clause.filter.as_ref().map(|f| self.condition(f));
        let body = self.block(&clause.body.statements);
        self.pop_scope();
        CatchClause {
            class,
            binding,
            filter,
            body,
        }
    }

    /// `var (a, b) = value;`, which parses as an assignment to a call of `var`: a deconstruction
    /// into a `System.ValueTuple`, which APIM's allow-list does not have. Reported once; the
    /// names are declared (of unknown type) so that their uses raise nothing more.
    fn deconstruction(&mut self, expr: &ast::Expr) -> bool {
        let ExprKind::Assign {
            op: None,
            target,
            value,
        } = &expr.kind
        else {
            return false;
        };
        let ExprKind::Call {
            target: callee,
            args,
        } = &target.kind
        else {
            return false;
        };
        let is_var = matches!(&callee.kind, ExprKind::Name { name, type_args } if name.name == "var" && type_args.is_empty());
        let names: Vec<&ast::Ident> = args
            .iter()
            .filter_map(|arg| match &arg.value {
                ast::ArgumentValue::Value(ast::Expr {
                    kind: ExprKind::Name { name, type_args },
                    ..
                }) if type_args.is_empty() && arg.name.is_none() => Some(name),
                _ => None,
            })
            .collect();
        if !is_var || self.lookup("var").is_some() || names.len() != args.len() {
            return false;
        }
        let (message, help) = gatehouse_expr_syntax::TUPLE_NOT_ALLOWED;
        self.error(Code::TypeNotAllowed, expr.span, message, help);
        self.expr(value, None);
        for name in names {
            self.declare(&name.name, Type::Unknown, name.span, false);
        }
        true
    }

    fn switch(&mut self, subject: &ast::Expr, sections: &[ast::SwitchSection]) -> Vec<Stmt> {
        let subject = self.expr(subject, None);
        let subject_type = subject.ty.clone();
        self.current.switches += 1;
        let mut compiled = Vec::new();
        for section in sections {
            self.push_scope();
            let mut labels = Vec::new();
            for label in &section.labels {
                let pattern = label.pattern.as_ref().map(super::bound_pattern);
                let compiled_label = match pattern.as_deref() {
                    None => SwitchLabel::Default,
                    Some(Pattern::Null) => SwitchLabel::Null,
                    Some(Pattern::Type { ty, binding }) => {
                        let target = self.resolve_type(ty);
                        let binding: Option<LocalRef> = binding
                            .as_ref()
                            .map(|name| self.declare(&name.name, target.clone(), name.span, false));
                        SwitchLabel::Type { target, binding }
                    }
                    Some(Pattern::Constant(expr)) => {
                        let typed = self.expr(expr, Some(&subject_type));
                        match self.constant_for(&typed, &subject_type) {
                            Some(value) => SwitchLabel::Constant(value),
                            None => {
                                self.error(
                                    Code::InvalidConversion,
                                    expr.span,
                                    &format!("a `case` label must be a constant of the switch's type `{subject_type}`"),
                                    "use a literal of that type",
                                );
                                SwitchLabel::Default
                            }
                        }
                    }
                };
                let guard = label.guard.as_ref().map(|g| self.condition(g));
                labels.push((compiled_label, guard));
            }
            let body = self.statements(&section.statements);
            if super::flow::can_complete(&section.statements) && !section.statements.is_empty() {
                let last = section
                    .statements
                    .last()
                    .map_or(Span::default(), |s| s.span);
                let ends_in_break = matches!(
                    section.statements.last().map(|s| &s.kind),
                    Some(StmtKind::Break)
                );
                if !ends_in_break {
                    self.error(
                        Code::InvalidStatement,
                        last,
                        "control cannot fall through from one `case` to another",
                        "end the section with `break;` or `return`",
                    );
                }
            }
            self.pop_scope();
            compiled.push(SwitchSection { labels, body });
        }
        self.current.switches -= 1;
        vec![Stmt::Switch {
            subject: subject.ir,
            sections: compiled,
        }]
    }

    /// The constant value of `typed` converted to `target`, for `case` labels.
    pub(super) fn constant_for(&mut self, typed: &Typed, target: &Type) -> Option<Value> {
        let value = typed.constant.clone()?;
        if typed.ty == *target || target.is_unknown() || typed.ty.is_unknown() {
            return Some(value);
        }
        if *target == Type::Object {
            return Some(value);
        }
        crate::eval::convert_constant(&value, target)
    }
}
