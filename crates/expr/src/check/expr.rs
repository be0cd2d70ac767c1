//! Expressions.

use std::sync::Arc;

use gatehouse_diagnostics::{Code, Span};
use gatehouse_expr_syntax::ast::{
    self, ArgumentValue, BinaryOp, Expr, ExprKind, Ident, InitItem, InitValue, InterpolationPart,
    Literal, Pattern, Predefined, RealSuffix, TypeName, TypeSyntax, UnaryOp,
};

use super::ops::operand_of;
use super::{Compiler, Typed, closest};
use crate::ir::{self, CompoundOp, Ir, LocalRef, Operand, Place};
use crate::library::{MemberKind, dotnet};
use crate::types::{self, Class, ClassKind, EnumKind, Type};
use crate::value::{self, Value};

/// What a name or dotted path denotes.
pub(super) enum Target {
    Value(Typed),
    Type(Type),
    /// A namespace prefix such as `System.Text`.
    Namespace(String),
}

const NAMESPACE_ROOTS: &[&str] = &["System", "Newtonsoft", "Microsoft"];

pub(super) fn predefined_type(p: Predefined) -> Type {
    match p {
        Predefined::Bool => Type::Bool,
        Predefined::Byte => Type::Byte,
        Predefined::Char => Type::Char,
        Predefined::Decimal => Type::Decimal,
        Predefined::Double => Type::Double,
        Predefined::Float => Type::Single,
        Predefined::Int => Type::Int32,
        Predefined::Long => Type::Int64,
        Predefined::Object => Type::Object,
        Predefined::SByte => Type::SByte,
        Predefined::Short => Type::Int16,
        Predefined::String => Type::String,
        Predefined::UInt => Type::UInt32,
        Predefined::ULong => Type::UInt64,
        Predefined::UShort => Type::UInt16,
    }
}

fn known_namespace(path: &str) -> bool {
    NAMESPACE_ROOTS
        .iter()
        .any(|root| path == *root || path.starts_with(&format!("{root}.")))
}

impl Compiler {
    // ----- types -----

    pub(super) fn resolve_type(&mut self, syntax: &TypeSyntax) -> Type {
        let args: Vec<Type> = syntax.args.iter().map(|a| self.resolve_type(a)).collect();
        let mut ty = match &syntax.name {
            TypeName::Predefined(p) => predefined_type(*p),
            TypeName::Qualified(parts) => {
                let full: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
                let full = full.join(".");
                match self.type_by_name(&full, args, syntax.span) {
                    Some(ty) => ty,
                    None => return Type::Unknown,
                }
            }
        };
        if syntax.nullable {
            ty = Type::nullable(ty);
        }
        if syntax.ranks.iter().any(|rank| *rank > 1) {
            self.report_once(
                Code::NotImplemented,
                syntax.span,
                "gatehouse does not implement multi-dimensional arrays",
                "use an array of arrays",
            );
            return Type::Unknown;
        }
        for _ in &syntax.ranks {
            ty = Type::array(ty);
        }
        ty
    }

    /// A type by (possibly qualified) name, with allow-list and existence checks.
    fn type_by_name(&mut self, name: &str, args: Vec<Type>, span: Span) -> Option<Type> {
        let simple = name.rsplit('.').next().unwrap_or(name);
        if matches!(simple, "var" | "dynamic") {
            self.error(
                Code::NotImplemented,
                span,
                &format!("`{simple}` cannot be used as a type here"),
                "",
            );
            return None;
        }
        match Type::by_name(name, args) {
            Some(Type::Class(class)) if class.kind() == ClassKind::Forbidden => {
                self.forbidden_type(class, span);
                None
            }
            Some(ty) => Some(ty),
            None => {
                let names: Vec<&str> = Class::ALL
                    .iter()
                    .map(|c| c.name())
                    .chain(EnumKind::ALL.iter().map(|e| e.name()))
                    .chain([
                        "List",
                        "Dictionary",
                        "IEnumerable",
                        "HashSet",
                        "KeyValuePair",
                        "Func",
                        "Action",
                        "String",
                        "Int32",
                        "Int64",
                        "Boolean",
                    ])
                    .collect();
                let help = match closest(simple, names) {
                    Some(suggestion) => format!("did you mean `{suggestion}`?"),
                    None => "use one of the .NET types APIM allows, or an APIM interface such as `IResponse`".to_owned(),
                };
                if !self.unimplemented_type(name, span) {
                    self.error(
                        Code::UnknownType,
                        span,
                        &format!("unknown type `{name}`"),
                        &help,
                    );
                }
                None
            }
        }
    }

    // ----- expressions -----

    /// Compiles an expression. `expected` is the type the context wants (used to type lambdas
    /// and `default`), not a conversion request.
    pub(super) fn expr(&mut self, expr: &Expr, expected: Option<&Type>) -> Typed {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Literal(literal) => self.literal(literal, span),
            ExprKind::NamedValue(name) => Typed::new(
                Ir::Throw(
                    Box::new(Ir::Const(Value::String(value::intern(&format!(
                        "named value {{{{{name}}}}} has no value"
                    ))))),
                    span,
                ),
                Type::Unknown,
                span,
            ),
            ExprKind::Name { .. } | ExprKind::PredefinedType(_) | ExprKind::Member { .. } => {
                match self.resolve_target(expr) {
                    Target::Value(typed) => typed,
                    Target::Type(ty) => {
                        self.error(
                            Code::UnknownName,
                            span,
                            &format!("`{ty}` is a type, not a value"),
                            "use one of its members, such as `string.Empty`",
                        );
                        Typed::error(span)
                    }
                    Target::Namespace(path) => {
                        if self.unimplemented_type(&path.to_string(), span) {
                            return Typed::error(span);
                        }
                        self.error(
                            Code::UnknownType,
                            span,
                            &format!("`{path}` is not a value or a type gatehouse knows"),
                            "if it is a .NET type APIM allows, gatehouse does not implement it yet",
                        );
                        Typed::error(span)
                    }
                }
            }
            ExprKind::Call { target, args } => self.call(target, args, span, expected),
            ExprKind::Index {
                target,
                args,
                conditional,
            } => self.index(target, args, *conditional, span),
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::PreIncrement
                | UnaryOp::PreDecrement
                | UnaryOp::PostIncrement
                | UnaryOp::PostDecrement => self.step(*op, operand, span),
                _ => {
                    let typed = self.expr(operand, None);
                    self.unary(*op, typed, span)
                }
            },
            ExprKind::Cast { ty, operand } => {
                let target = self.resolve_type(ty);
                if matches!(operand.kind, ExprKind::Lambda { .. }) {
                    return self.expr(operand, Some(&target));
                }
                let typed = self.expr(operand, Some(&target));
                self.cast(typed, &target, span)
            }
            ExprKind::Binary { op, left, right } => self.binary_expr(*op, left, right, span),
            ExprKind::Is { operand, pattern } => self.is(operand, pattern, span),
            ExprKind::As { operand, ty } => {
                let typed = self.expr(operand, None);
                let target = self.resolve_type(ty);
                if target.is_value_type() && !matches!(target, Type::Nullable(_)) {
                    self.error(
                        Code::InvalidConversion,
                        ty.span,
                        &format!("`as` needs a reference or nullable type, not `{target}`"),
                        &format!("use `as {target}?` or a cast `({target})value`"),
                    );
                    return Typed::error(span);
                }
                if !typed.ty.is_unknown()
                    && !target.is_unknown()
                    && types::explicit(&typed.ty, &target).is_none()
                {
                    self.error(
                        Code::InvalidConversion,
                        span,
                        &format!("a `{}` can never be a `{target}`", typed.ty),
                        "check the types",
                    );
                }
                Typed::new(
                    Ir::As {
                        value: Box::new(typed.ir),
                        target: target.clone(),
                    },
                    target,
                    span,
                )
            }
            ExprKind::Conditional {
                condition,
                when_true,
                when_false,
            } => self.conditional(condition, when_true, when_false, expected, span),
            ExprKind::Assign { op, target, value } => self.assign(*op, target, value, span),
            ExprKind::Lambda { params, body } => self.lambda(params, body, expected, span),
            ExprKind::New {
                ty,
                args,
                initializer,
            } => self.new_object(ty, args, initializer.as_deref(), span),
            ExprKind::NewArray {
                element,
                sizes,
                items,
            } => self.new_array(element.as_ref(), sizes, items.as_deref(), expected, span),
            ExprKind::NewAnonymous { members } => {
                let mut names = Vec::new();
                let mut values = Vec::new();
                let mut member_types = Vec::new();
                for member in members {
                    let name = match &member.name {
                        Some(name) => name.name.clone(),
                        None => match &member.value.kind {
                            ExprKind::Name { name, .. } | ExprKind::Member { name, .. } => {
                                name.name.clone()
                            }
                            _ => {
                                self.error(
                                    Code::InvalidStatement,
                                    member.value.span,
                                    "an anonymous object member needs a name",
                                    "write `name = value`",
                                );
                                "_".to_owned()
                            }
                        },
                    };
                    let typed = self.expr(&member.value, None);
                    member_types.push((name.clone(), typed.ty.clone()));
                    names.push(name);
                    values.push(typed.ir);
                }
                Typed::new(
                    Ir::Anonymous {
                        names: names.into(),
                        values,
                    },
                    Type::Anonymous(member_types),
                    span,
                )
            }
            ExprKind::Interpolated { parts } => {
                let mut compiled = Vec::new();
                let mut after_dollar = false;
                for part in parts {
                    match part {
                        InterpolationPart::Text(text) => {
                            after_dollar = text.ends_with('$');
                            compiled.push(ir::InterpolationPart::Text(Arc::from(text.as_str())))
                        }
                        InterpolationPart::Hole {
                            value,
                            alignment,
                            format,
                        } => {
                            if self.placeholder_hole(value) {
                                after_dollar = false;
                                continue;
                            }
                            let outer = std::mem::replace(&mut self.in_dollar_hole, after_dollar);
                            let typed = self.expr(value, None);
                            self.in_dollar_hole = outer;
                            after_dollar = false;
                            if typed.ty == Type::Void {
                                self.error(
                                    Code::InvalidConversion,
                                    value.span,
                                    "the expression has no value to insert",
                                    "call a method that returns a value",
                                );
                            }
                            let alignment = alignment.as_ref().map(|a| {
                                let typed = self.expr(a, Some(&Type::Int32));
                                self.convert(typed, &Type::Int32)
                            });
                            compiled.push(ir::InterpolationPart::Value {
                                value: typed.ir,
                                alignment,
                                format: format.as_ref().map(|f| Arc::from(f.as_str())),
                            });
                        }
                    }
                }
                Typed::new(Ir::Interpolated(compiled), Type::String, span)
            }
            ExprKind::Typeof(ty) => {
                let target = self.resolve_type(ty);
                if target.is_unknown() {
                    return Typed::error(span);
                }
                Typed::new(
                    Ir::Const(Value::object(crate::value::Object::RuntimeType(target))),
                    Type::Class(Class::SystemType),
                    span,
                )
            }
            ExprKind::Default(ty) => {
                let target = match ty {
                    Some(ty) => self.resolve_type(ty),
                    None => match expected {
                        Some(expected) => expected.clone(),
                        None => {
                            self.error(
                                Code::InvalidConversion,
                                span,
                                "`default` needs a type here",
                                "write `default(T)`",
                            );
                            return Typed::error(span);
                        }
                    },
                };
                Typed::new(Ir::Default(target.clone()), target, span)
            }
            ExprKind::Nameof(inner) => {
                let name = match &inner.kind {
                    ExprKind::Name { name, .. } | ExprKind::Member { name, .. } => {
                        name.name.clone()
                    }
                    _ => {
                        self.error(
                            Code::InvalidStatement,
                            inner.span,
                            "`nameof` needs a name",
                            "write `nameof(variable)`",
                        );
                        String::new()
                    }
                };
                let value = Value::String(value::intern(&name));
                let mut typed = Typed::new(Ir::Const(value.clone()), Type::String, span);
                typed.constant = Some(value);
                typed
            }
            ExprKind::Checked(inner) | ExprKind::Unchecked(inner) => {
                let saved = (self.checked, self.unchecked);
                self.checked = matches!(expr.kind, ExprKind::Checked(_));
                self.unchecked = !self.checked;
                let typed = self.expr(inner, expected);
                (self.checked, self.unchecked) = saved;
                typed
            }
            ExprKind::This => {
                self.error(
                    Code::UnknownName,
                    span,
                    "`this` has no meaning in a policy expression",
                    "use `context`",
                );
                Typed::error(span)
            }
            ExprKind::Throw(inner) => {
                let typed = self.expr(inner, None);
                if !typed.ty.is_unknown() && !typed.ty.is_class(Class::Exception) {
                    self.error(
                        Code::InvalidConversion,
                        inner.span,
                        &format!("`throw` needs an exception, not a `{}`", typed.ty),
                        "throw `new Exception(\"message\")`",
                    );
                }
                Typed::new(Ir::Throw(Box::new(typed.ir), span), Type::Unknown, span)
            }
            ExprKind::NullConditionalChain(inner) => {
                let typed = self.expr(inner, expected);
                let ty = if typed.ty.is_value_type()
                    && !matches!(typed.ty, Type::Nullable(_))
                    && typed.ty != Type::Void
                {
                    Type::nullable(typed.ty)
                } else {
                    typed.ty
                };
                Typed::new(Ir::ChainEnd(Box::new(typed.ir)), ty, span)
            }
        }
    }

    fn literal(&mut self, literal: &Literal, span: Span) -> Typed {
        let (value, ty) = match literal {
            Literal::Null => (Value::Null, Type::Null),
            Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
            Literal::Char(c) => (Value::Char(*c), Type::Char),
            Literal::String(s) => (Value::String(value::intern(s)), Type::String),
            Literal::Int { value, suffix } => match crate::eval::integer_literal(*value, *suffix) {
                Some((value, ty)) => (value, ty),
                None => {
                    self.error(
                        Code::InvalidLiteral,
                        span,
                        "integer literal is too large for its type",
                        "use a smaller value or a wider suffix",
                    );
                    return Typed::error(span);
                }
            },
            Literal::Real { text, suffix } => match suffix {
                RealSuffix::M => match text
                    .parse::<rust_decimal::Decimal>()
                    .or_else(|_| rust_decimal::Decimal::from_scientific(text))
                {
                    Ok(d) => (Value::Decimal(d), Type::Decimal),
                    Err(_) => {
                        self.error(
                            Code::InvalidLiteral,
                            span,
                            "decimal literal is out of range",
                            "",
                        );
                        return Typed::error(span);
                    }
                },
                RealSuffix::F => match text.parse::<f32>() {
                    Ok(f) => (Value::Single(f), Type::Single),
                    Err(_) => return Typed::error(span),
                },
                RealSuffix::D | RealSuffix::None => match text.parse::<f64>() {
                    Ok(f) if f.is_finite() => (Value::Double(f), Type::Double),
                    _ => {
                        self.error(
                            Code::InvalidLiteral,
                            span,
                            "floating-point literal is out of range",
                            "",
                        );
                        return Typed::error(span);
                    }
                },
            },
        };
        let mut typed = Typed::new(Ir::Const(value.clone()), ty, span);
        typed.constant = Some(value);
        typed
    }

    /// Resolves a name or dotted path to a value, a type or a namespace.
    pub(super) fn resolve_target(&mut self, expr: &Expr) -> Target {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Name { name, type_args } => {
                if let Some((local_ref, local)) = self.lookup(&name.name) {
                    return Target::Value(Typed::new(Ir::Local(local_ref), local.ty, span));
                }
                if name.name == "context" {
                    return Target::Value(Typed::new(
                        Ir::Context,
                        Type::Class(Class::Context),
                        span,
                    ));
                }
                let args: Vec<Type> = type_args.iter().map(|t| self.resolve_type(t)).collect();
                if let Some(ty) = Type::by_name(&name.name, args) {
                    if let Type::Class(class) = ty
                        && class.kind() == ClassKind::Forbidden
                    {
                        self.forbidden_type(class, span);
                        return Target::Value(Typed::error(span));
                    }
                    return Target::Type(ty);
                }
                if known_namespace(&name.name) {
                    return Target::Namespace(name.name.clone());
                }
                if self.unimplemented_type(&name.name, name.span) {
                    return Target::Value(Typed::error(span));
                }
                let mut candidates = self.local_names();
                candidates.push("context".to_owned());
                // `request.Headers` for `context.Request.Headers`: a member of `context`.
                let context_member = self
                    .registry
                    .member_names(&Type::Class(Class::Context), false)
                    .into_iter()
                    .find(|member| member.eq_ignore_ascii_case(&name.name));
                let help = match (
                    context_member,
                    closest(&name.name, candidates.iter().map(String::as_str)),
                ) {
                    (_, Some(suggestion)) => format!("did you mean `{suggestion}`?"),
                    (Some(member), None) => format!("did you mean `context.{member}`?"),
                    (None, None) if self.in_dollar_hole => format!(
                        "in `$\"…\"`, `${{{}…}}` is a `$` and a c# hole; if it is a template placeholder (terraform, a pipeline), lint the policy as rendered",
                        name.name
                    ),
                    (None, None) => {
                        "declare it first, or use `context` to reach the request".to_owned()
                    }
                };
                self.error(
                    Code::UnknownName,
                    name.span,
                    &format!("unknown name `{}`", name.name),
                    &help,
                );
                Target::Value(Typed::error(span))
            }
            ExprKind::PredefinedType(p) => Target::Type(predefined_type(*p)),
            ExprKind::Member {
                target,
                name,
                type_args,
                conditional,
            } => {
                if !type_args.is_empty() {
                    self.error(
                        Code::UnknownMember,
                        name.span,
                        &format!("`{}` is a method and must be called", name.name),
                        &format!("write `{}<…>(…)`", name.name),
                    );
                    return Target::Value(Typed::error(span));
                }
                match self.resolve_target(target) {
                    Target::Namespace(path) => {
                        let full = format!("{path}.{}", name.name);
                        if let Some(ty) = Type::by_name(&full, Vec::new()) {
                            if let Type::Class(class) = ty
                                && class.kind() == ClassKind::Forbidden
                            {
                                self.forbidden_type(class, span);
                                return Target::Value(Typed::error(span));
                            }
                            return Target::Type(ty);
                        }
                        Target::Namespace(full)
                    }
                    Target::Type(ty) => Target::Value(self.static_member(&ty, name, span)),
                    Target::Value(receiver) => {
                        Target::Value(self.instance_property(receiver, name, *conditional, span))
                    }
                }
            }
            _ => Target::Value(self.expr(expr, None)),
        }
    }

    /// `Type.Member` that is not called: an enum value or a static property.
    fn static_member(&mut self, ty: &Type, name: &Ident, span: Span) -> Typed {
        if let Type::Enum(kind) = ty {
            return match kind.value_of(&name.name) {
                Some(number) => {
                    let value = Value::Enum(*kind, number);
                    let mut typed = Typed::new(Ir::Const(value.clone()), ty.clone(), span);
                    typed.constant = Some(value);
                    typed
                }
                None => {
                    let help = closest(&name.name, kind.members().iter().map(|(n, _)| *n))
                        .map_or_else(String::new, |s| format!("did you mean `{s}`?"));
                    self.error(
                        Code::UnknownMember,
                        name.span,
                        &format!("`{}` has no value `{}`", kind.name(), name.name),
                        &help,
                    );
                    Typed::error(span)
                }
            };
        }
        if let Some(value) = self.registry.static_constant(ty, &name.name) {
            let mut typed = Typed::new(Ir::Const(value.clone()), value.runtime_type(), span);
            typed.constant = Some(value);
            return typed;
        }
        let members = self.registry.static_members(ty, &name.name);
        if let Some(member) = members.iter().find(|m| m.kind == MemberKind::Property) {
            self.check_allowed_member(ty, &name.name, name.span);
            return Typed::new(
                Ir::Native {
                    func: member.func,
                    name: member.name,
                    target: None,
                    args: Vec::new(),
                    type_args: Vec::new(),
                    outs: Vec::new(),
                    null_receiver_throws: false,
                    span,
                },
                member.result.clone(),
                span,
            );
        }
        if !members.is_empty() {
            self.error(
                Code::UnknownMember,
                name.span,
                &format!("`{ty}.{}` is a method and must be called", name.name),
                &format!("write `{ty}.{}(…)`", name.name),
            );
            return Typed::error(span);
        }
        if self.dotnet_member(ty, name, dotnet::Use::Static, None) {
            return Typed::error(span);
        }
        let names = self.registry.member_names(ty, true);
        let help = closest(&name.name, names).map_or_else(
            || format!("gatehouse knows no static member `{}` of `{ty}`", name.name),
            |s| format!("did you mean `{s}`?"),
        );
        self.error(
            Code::UnknownMember,
            name.span,
            &format!("`{ty}` has no static member `{}`", name.name),
            &help,
        );
        Typed::error(span)
    }

    /// `value.Property` (not a method call).
    fn instance_property(
        &mut self,
        receiver: Typed,
        name: &Ident,
        conditional: bool,
        span: Span,
    ) -> Typed {
        if receiver.ty.is_unknown() {
            return Typed::error(span);
        }
        let receiver_type = if conditional {
            receiver.ty.underlying().clone()
        } else {
            receiver.ty.clone()
        };
        let target_ir = if conditional {
            Ir::NullGuard(Box::new(receiver.ir))
        } else {
            receiver.ir
        };
        if let Type::Anonymous(members) = &receiver_type {
            // Anonymous types with the same members in the same order are one type: the
            // member is found by position.
            return match members
                .iter()
                .position(|(n, _)| *n == name.name)
                .zip(members.iter().find(|(n, _)| *n == name.name))
            {
                Some((index, (_, ty))) => Typed::new(
                    Ir::Native {
                        func: crate::library::anonymous_member,
                        name: "anonymous member",
                        target: Some(Box::new(target_ir)),
                        args: vec![Ir::Const(Value::Int32(i32::try_from(index).unwrap_or(0)))],
                        type_args: Vec::new(),
                        outs: Vec::new(),
                        null_receiver_throws: true,
                        span,
                    },
                    ty.clone(),
                    span,
                ),
                None => {
                    self.error(
                        Code::UnknownMember,
                        name.span,
                        &format!("the anonymous object has no member `{}`", name.name),
                        "",
                    );
                    Typed::error(span)
                }
            };
        }
        let members = self.registry.instance_members(&receiver_type, &name.name);
        if let Some(member) = members.iter().find(|m| m.kind == MemberKind::Property) {
            self.check_allowed_member(&receiver_type, &name.name, name.span);
            let bindings = self.owner_type_args(&receiver_type);
            let result = substitute(&member.result, &bindings);
            // `context.Request.Headers` and friends read the request directly: the hottest
            // paths of every policy should not build the objects in between.
            if let Ir::Native {
                name: part,
                target: Some(inner),
                ..
            } = &target_ir
                && matches!(**inner, Ir::Context)
                && let Some(fused) = crate::library::fused_context_member(part, member.name)
            {
                return Typed::new(
                    Ir::Native {
                        func: fused,
                        name: fused_name(part, member.name),
                        target: None,
                        args: Vec::new(),
                        type_args: Vec::new(),
                        outs: Vec::new(),
                        null_receiver_throws: false,
                        span,
                    },
                    result,
                    span,
                );
            }
            return Typed::new(
                Ir::Native {
                    func: member.func,
                    name: member.name,
                    target: Some(Box::new(target_ir)),
                    args: Vec::new(),
                    type_args: bindings,
                    outs: Vec::new(),
                    null_receiver_throws: !matches!(receiver_type, Type::Nullable(_)),
                    span,
                },
                result,
                span,
            );
        }
        // An extension counts only where it extends this type: `DateTime` has no `Value`,
        // whatever Newtonsoft's `Value<T>(this IEnumerable<JToken>)` is.
        let is_method = !members.is_empty()
            || self
                .registry
                .extension_methods(&name.name)
                .iter()
                .any(|extension| super::call::extends(extension, &receiver_type));
        if is_method {
            self.error(
                Code::UnknownMember,
                name.span,
                &format!("`{}` is a method and must be called", name.name),
                &format!("write `{}(…)`", name.name),
            );
            return Typed::error(span);
        }
        self.unknown_member(&receiver_type, name);
        Typed::error(span)
    }

    /// `$"https://{api-path}/…"`: a hole that is words joined by `-`, none of which names
    /// anything here, is a placeholder, which C# reads as `api - path`. One error for it, not
    /// one per word; `true` when reported. Kept out of [`Compiler::expr`], whose frame every
    /// level of a nested expression pays for.
    #[inline(never)]
    fn placeholder_hole(&mut self, value: &Expr) -> bool {
        let Some(placeholder) = self.kebab_words(value).filter(|words| words.contains('-')) else {
            return false;
        };
        self.error(
            Code::UnknownName,
            value.span,
            &format!("`{{{placeholder}}}` is a placeholder, not c#: in `$\"…\"` it subtracts names that do not exist"),
            &format!("write the value in its place, or `{{{{{placeholder}}}}}` for a named value"),
        );
        true
    }

    /// The words of `a-b-c` (a left-leaning chain of subtractions of names), walked without
    /// recursion: a chain can be as long as the text, and a placeholder is a few words.
    fn kebab_words(&self, expr: &Expr) -> Option<String> {
        const MOST_WORDS: usize = 12;
        let mut words = Vec::new();
        let mut current = expr;
        loop {
            match &current.kind {
                ExprKind::Binary {
                    op: ast::BinaryOp::Sub,
                    left,
                    right,
                } if words.len() < MOST_WORDS => {
                    words.push(self.placeholder_word(right)?);
                    current = left;
                }
                _ => {
                    words.push(self.placeholder_word(current)?);
                    break;
                }
            }
        }
        words.reverse();
        Some(words.join("-"))
    }

    /// A name that means nothing here: not a local, a type or `context`.
    fn placeholder_word(&self, expr: &Expr) -> Option<String> {
        match &expr.kind {
            ExprKind::Name { name, type_args }
                if type_args.is_empty()
                    && name.name != "context"
                    && self.lookup(&name.name).is_none()
                    && Type::by_name(&name.name, Vec::new()).is_none() =>
            {
                Some(name.name.clone())
            }
            _ => None,
        }
    }

    /// GH0106 for a type APIM does not allow: once per expression, later uses of the same
    /// type labelled on the first report (`XmlReader r = XmlReader.Create(…)` is one fault).
    fn forbidden_type(&mut self, class: Class, span: Span) {
        let message = format!("`{}` is not on APIM's list of allowed types", class.name());
        self.report_once(Code::TypeNotAllowed, span, &message, forbidden_help(class));
    }

    pub(super) fn unknown_member(&mut self, ty: &Type, name: &Ident) {
        if self.unimplemented_member(ty, name)
            || self.dotnet_member(ty, name, dotnet::Use::Instance, None)
        {
            return;
        }
        let extensions = self
            .registry
            .all_extension_methods()
            .filter(|extension| super::call::extends(extension, ty))
            .map(|extension| extension.name);
        let names = self
            .registry
            .member_names(ty, false)
            .into_iter()
            .chain(extensions)
            .chain(crate::library::unimplemented_members(ty));
        let help = if *ty == Type::Object {
            "the value is an `object`: cast it to the type that has this member, e.g. `((string)value).Length`".to_owned()
        } else if matches!(
            name.name.as_str(),
            "HasValue" | "Value" | "GetValueOrDefault"
        ) && ty.is_value_type()
            && !matches!(ty, Type::Nullable(_))
        {
            // `cert.NotBefore.HasValue`: the author took a value type for a nullable one.
            format!(
                "`{ty}` is not nullable (`{ty}?` is), so there is always a value: use it as it is"
            )
        } else {
            self.member_help(ty, &name.name, names.collect())
        };
        self.error(
            Code::UnknownMember,
            name.span,
            &format!("`{ty}` has no member `{}`", name.name),
            &help,
        );
    }

    /// "Did you mean" for an unknown member: the closest name; else a member the name ends
    /// with (`Subscription.DisplayName` is `Name`); else, for a type of APIM's `context`,
    /// whose members are few and documented, all of them.
    #[inline(never)]
    fn member_help(&self, ty: &Type, name: &str, names: Vec<&'static str>) -> String {
        if let Some(close) = closest(name, names.iter().copied()) {
            return format!("did you mean `{close}`?");
        }
        let lower = name.to_ascii_lowercase();
        let suffix = names
            .iter()
            .filter(|member| member.len() >= 2 && member.len() < name.len())
            .filter(|member| lower.ends_with(&member.to_ascii_lowercase()))
            .max_by_key(|member| member.len());
        if let Some(member) = suffix {
            return format!("did you mean `{member}`?");
        }
        if let Type::Class(class) = ty
            && class.namespace() == "Microsoft.Azure.ApiManagement"
        {
            let object = self.registry.member_names(&Type::Object, false);
            let own: Vec<&str> = names
                .iter()
                .copied()
                .filter(|member| !object.contains(member))
                .collect();
            if !own.is_empty() {
                return format!("`{ty}` has: {}", own.join(", "));
            }
        }
        format!("`{ty}` has no member of that name that gatehouse knows")
    }

    /// The receiver's type arguments, which an instance member's signature names first: `T`
    /// of `List<T>` and of `T[]`, `K, V` of a dictionary, `T` of `T?`.
    pub(super) fn owner_type_args(&self, ty: &Type) -> Vec<Type> {
        match ty {
            Type::Array(element) => vec![(**element).clone()],
            Type::Nullable(inner) => vec![(**inner).clone()],
            Type::Generic(_, args) => args.clone(),
            _ => Vec::new(),
        }
    }

    fn index(
        &mut self,
        target: &Expr,
        args: &[ast::Argument],
        conditional: bool,
        span: Span,
    ) -> Typed {
        let receiver = self.expr(target, None);
        if receiver.ty.is_unknown() {
            for argument in args {
                if let ArgumentValue::Value(value) = &argument.value {
                    self.expr(value, None);
                }
            }
            return Typed::error(span);
        }
        let receiver_type = if conditional {
            receiver.ty.underlying().clone()
        } else {
            receiver.ty.clone()
        };
        let indexers = self.registry.indexers(&receiver_type);
        if indexers.is_empty() {
            self.error(
                Code::UnknownMember,
                span,
                &format!("a `{receiver_type}` cannot be indexed with `[]`"),
                if receiver_type == Type::Object {
                    "cast the value to the type it holds first"
                } else {
                    ""
                },
            );
            return Typed::error(span);
        }
        let json_receiver = receiver_type.is_class(Class::JToken);
        let receiver = Typed::new(
            if conditional {
                Ir::NullGuard(Box::new(receiver.ir))
            } else {
                receiver.ir
            },
            receiver_type,
            receiver.span,
        );
        let typed = self.resolve_call(indexers, Some(receiver), args, &[], span, "this[]", None);
        // `context.Variables["name"]` reads the variable directly.
        match typed.ir {
            Ir::Native {
                target: Some(target),
                args,
                span: at,
                ..
            } if matches!(&*target, Ir::Native { name: "Variables", target: Some(inner), .. } if matches!(**inner, Ir::Context)) => {
                Typed::new(
                    Ir::Native {
                        func: crate::library::fused_variable_lookup,
                        name: "Variables[]",
                        target: None,
                        args,
                        type_args: Vec::new(),
                        outs: Vec::new(),
                        null_receiver_throws: false,
                        span: at,
                    },
                    typed.ty,
                    typed.span,
                )
            }
            Ir::Native {
                func,
                target: Some(target),
                args,
                outs,
                null_receiver_throws: true,
                span: at,
                ..
            } if json_receiver
                && outs.is_empty()
                && matches!(args.as_slice(), [Ir::Const(Value::String(_))]) =>
            {
                let property = match args.first() {
                    Some(Ir::Const(Value::String(name))) => Arc::clone(name),
                    _ => crate::value::empty_str(),
                };
                Typed::new(
                    Ir::JsonProperty {
                        func,
                        target,
                        property,
                        span: at,
                    },
                    typed.ty,
                    typed.span,
                )
            }
            ir => Typed { ir, ..typed },
        }
    }

    /// `x is T`, `x is T name`, `x is null`, `x is 5`.
    fn is(&mut self, operand: &Expr, pattern: &Pattern, span: Span) -> Typed {
        let typed = self.expr(operand, None);
        match &*super::bound_pattern(pattern) {
            Pattern::Null => {
                let null = Typed::new(Ir::Const(Value::Null), Type::Null, span);
                if typed.ty.is_value_type()
                    && !matches!(typed.ty, Type::Nullable(_))
                    && !typed.ty.is_unknown()
                {
                    return Typed::new(Ir::Const(Value::Bool(false)), Type::Bool, span);
                }
                let operand = operand_of(typed.ty.underlying())
                    .filter(|_| matches!(typed.ty, Type::Nullable(_)))
                    .unwrap_or(Operand::Ref);
                if operand == Operand::Ref {
                    return Typed::new(
                        Ir::Binary {
                            op: ir::BinOp::Eq,
                            operand: Operand::Ref,
                            left: Box::new(typed.ir),
                            right: Box::new(null.ir),
                            checked: false,
                            span,
                        },
                        Type::Bool,
                        span,
                    );
                }
                Typed::new(
                    Ir::Lifted {
                        op: ir::BinOp::Eq,
                        operand,
                        left: Box::new(typed.ir),
                        right: Box::new(null.ir),
                        checked: false,
                        span,
                    },
                    Type::Bool,
                    span,
                )
            }
            Pattern::Type { ty, binding } => {
                let target = self.resolve_type(ty);
                let binding: Option<LocalRef> = binding
                    .as_ref()
                    .map(|name| self.declare(&name.name, target.clone(), name.span, false));
                Typed::new(
                    Ir::Is {
                        value: Box::new(typed.ir),
                        target,
                        binding,
                    },
                    Type::Bool,
                    span,
                )
            }
            Pattern::Constant(constant) => {
                let constant = self.expr(constant, None);
                let boxed = Typed::new(constant.ir, Type::Object, constant.span);
                let value = Typed::new(typed.ir, Type::Object, typed.span);
                Typed::new(
                    Ir::Native {
                        func: crate::library::object_equals_static,
                        name: "Equals",
                        target: None,
                        args: vec![value.ir, boxed.ir],
                        type_args: Vec::new(),
                        outs: Vec::new(),
                        null_receiver_throws: false,
                        span,
                    },
                    Type::Bool,
                    span,
                )
            }
        }
    }

    fn binary_expr(&mut self, op: BinaryOp, left: &Expr, right: &Expr, span: Span) -> Typed {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.expr(left, Some(&Type::Bool));
                let r = self.expr(right, Some(&Type::Bool));
                for side in [&l, &r] {
                    if !side.ty.is_unknown() && side.ty != Type::Bool {
                        self.error(
                            Code::InvalidOperator,
                            side.span,
                            &format!("`{}` needs `bool` operands, not `{}`", op.symbol(), side.ty),
                            "compare to get a `bool`",
                        );
                    }
                }
                let (l, r) = (Box::new(l.ir), Box::new(r.ir));
                let ir = if op == BinaryOp::And {
                    Ir::And(l, r)
                } else {
                    Ir::Or(l, r)
                };
                Typed::new(ir, Type::Bool, span)
            }
            BinaryOp::Coalesce => {
                let l = self.expr(left, None);
                self.fallback_never_used(left, &l);
                if !l.ty.is_nullable() {
                    self.error(
                        Code::InvalidOperator,
                        l.span,
                        &format!("`??` needs a left side that can be null, not `{}`", l.ty),
                        "use `??` on references and nullable values",
                    );
                }
                let left_type = l.ty.clone();
                let underlying = left_type.underlying().clone();
                let r = self.expr(right, Some(&underlying));
                let (result, left_ir, right_ir) = if matches!(left_type, Type::Nullable(_))
                    && types::implicit(&r.ty, &underlying).is_some()
                {
                    let right_ir = self.convert(r, &underlying);
                    (underlying, l.ir, right_ir)
                } else if types::implicit(&r.ty, &left_type).is_some() || r.ty.is_unknown() {
                    let right_ir = self.convert(r, &left_type);
                    (left_type, l.ir, right_ir)
                } else if types::implicit(&left_type, &r.ty).is_some() {
                    let right_type = r.ty.clone();
                    let left_ir = self.convert(l, &right_type);
                    (right_type, left_ir, r.ir)
                } else {
                    self.error(
                        Code::InvalidOperator,
                        span,
                        &format!("`??` cannot combine `{left_type}` and `{}`", r.ty),
                        "make both sides the same type",
                    );
                    return Typed::error(span);
                };
                Typed::new(
                    Ir::Coalesce(Box::new(left_ir), Box::new(right_ir)),
                    result,
                    span,
                )
            }
            _ => {
                let l = self.expr(left, None);
                let r = self.expr(right, None);
                self.binary(op, l, r, span)
            }
        }
    }

    /// `"prod:" + context.Product?.Id ?? "none"`: `+` binds tighter than `??`, and joining text
    /// never gives null (`string.Concat` turns null into ""), so the fallback is dead code and
    /// the key reads `prod:` when there is no product. C# compiles it without a word.
    #[inline(never)]
    fn fallback_never_used(&mut self, left: &Expr, typed: &Typed) {
        if typed.ty != Type::String {
            return;
        }
        let (message, help) = match &left.kind {
            ExprKind::Binary {
                op: BinaryOp::Add, ..
            } => (
                "text joined with `+` is never null, so this `??` never uses its fallback",
                "`+` is applied before `??`: put the part that can be null and its fallback in parentheses, `\"a\" + (x ?? \"b\")`",
            ),
            ExprKind::Interpolated { .. } => (
                "an interpolated string is never null, so this `??` never uses its fallback",
                "put the fallback inside the hole that can be null: `$\"{x ?? \"b\"}\"`",
            ),
            _ => return,
        };
        self.report(Code::ValueNeverNull, typed.span, message, help);
    }

    fn conditional(
        &mut self,
        condition: &Expr,
        when_true: &Expr,
        when_false: &Expr,
        expected: Option<&Type>,
        span: Span,
    ) -> Typed {
        let condition = self.expr(condition, Some(&Type::Bool));
        let condition = self.convert(condition, &Type::Bool);
        let a = self.expr(when_true, expected);
        let b = self.expr(when_false, expected);
        let result = if a.ty == b.ty {
            a.ty.clone()
        } else if a.ty.is_unknown() {
            b.ty.clone()
        } else if b.ty.is_unknown() {
            a.ty.clone()
        } else {
            let a_to_b = types::implicit(&a.ty, &b.ty).is_some()
                || a.constant
                    .as_ref()
                    .is_some_and(|c| crate::eval::convert_constant(c, &b.ty).is_some());
            let b_to_a = types::implicit(&b.ty, &a.ty).is_some()
                || b.constant
                    .as_ref()
                    .is_some_and(|c| crate::eval::convert_constant(c, &a.ty).is_some());
            match (a_to_b, b_to_a) {
                (true, false) => b.ty.clone(),
                (false, true) | (true, true) => a.ty.clone(),
                (false, false) => {
                    self.error(
                        Code::InvalidConversion,
                        span,
                        &format!(
                            "the branches of `?:` have unrelated types `{}` and `{}`",
                            a.ty, b.ty
                        ),
                        "convert one branch to the other's type, e.g. `(object)x`",
                    );
                    return Typed::error(span);
                }
            }
        };
        let a = self.convert(a, &result);
        let b = self.convert(b, &result);
        Typed::new(
            Ir::Conditional(Box::new(condition), Box::new(a), Box::new(b)),
            result,
            span,
        )
    }

    // ----- assignment -----

    /// The place `target` denotes, with its type.
    fn place(&mut self, target: &Expr) -> Option<(Place, Type)> {
        let span = target.span;
        match &target.kind {
            ExprKind::Name { name, .. } => match self.lookup(&name.name) {
                Some((local_ref, local)) => {
                    if local.is_const {
                        self.error(
                            Code::InvalidAssignment,
                            span,
                            &format!("`{}` cannot be assigned to", name.name),
                            "it is a constant or a local function",
                        );
                        return None;
                    }
                    Some((Place::Local(local_ref), local.ty))
                }
                None => {
                    self.resolve_target(target);
                    None
                }
            },
            ExprKind::Member {
                target: receiver,
                name,
                ..
            } => {
                let receiver = match self.resolve_target(receiver) {
                    Target::Value(typed) => typed,
                    _ => {
                        self.error(
                            Code::InvalidAssignment,
                            span,
                            "cannot assign to a static member",
                            "",
                        );
                        return None;
                    }
                };
                if receiver.ty.is_unknown() {
                    return None;
                }
                let members = self.registry.instance_members(&receiver.ty, &name.name);
                match members.iter().find(|m| m.kind == MemberKind::Property) {
                    Some(member) => match member.setter {
                        Some(setter) => {
                            let ty =
                                substitute(&member.result, &self.owner_type_args(&receiver.ty));
                            Some((
                                Place::Property {
                                    target: Box::new(receiver.ir),
                                    getter: Some(member.func),
                                    setter,
                                    span,
                                },
                                ty,
                            ))
                        }
                        None => {
                            let help = if receiver.ty.is_class(Class::Context)
                                || is_apim(&receiver.ty)
                            {
                                "the `context` object is read-only in expressions; change the request with policies"
                            } else {
                                "the property is read-only"
                            };
                            self.error(
                                Code::InvalidAssignment,
                                span,
                                &format!("`{}` cannot be assigned to", name.name),
                                help,
                            );
                            None
                        }
                    },
                    None => {
                        self.unknown_member(&receiver.ty, name);
                        None
                    }
                }
            }
            ExprKind::Index {
                target: receiver,
                args,
                ..
            } => {
                let receiver = self.expr(receiver, None);
                if receiver.ty.is_unknown() {
                    return None;
                }
                let indexers = self.registry.indexers(&receiver.ty);
                let settable: Vec<_> = indexers
                    .into_iter()
                    .filter(|m| m.setter.is_some())
                    .collect();
                if settable.is_empty() {
                    let help = if is_apim(&receiver.ty) || receiver.ty.is_class(Class::Context) {
                        "the `context` object is read-only in expressions; use policies such as `set-variable` and `set-header`"
                    } else {
                        "this indexer is read-only"
                    };
                    self.error(
                        Code::InvalidAssignment,
                        span,
                        &format!("a `{}` cannot be assigned through `[]`", receiver.ty),
                        help,
                    );
                    return None;
                }
                let receiver_type = receiver.ty.clone();
                let typed = self.resolve_call(
                    settable.clone(),
                    Some(receiver),
                    args,
                    &[],
                    span,
                    "this[]",
                    None,
                );
                let chosen_setter = self.last_setter.take();
                match typed.ir {
                    Ir::Native {
                        func,
                        target: Some(target),
                        args,
                        ..
                    } => {
                        let setter = chosen_setter.unwrap_or(func);
                        let _ = receiver_type;
                        Some((
                            Place::Index {
                                target,
                                args,
                                getter: func,
                                setter,
                                span,
                            },
                            typed.ty,
                        ))
                    }
                    _ => None,
                }
            }
            _ => {
                self.expr(target, None);
                self.error(
                    Code::InvalidAssignment,
                    span,
                    "the left side of an assignment must be a variable, a property or an indexer",
                    "",
                );
                None
            }
        }
    }

    fn assign(&mut self, op: Option<BinaryOp>, target: &Expr, value: &Expr, span: Span) -> Typed {
        let Some((place, place_type)) = self.place(target) else {
            self.expr(value, None);
            return Typed::error(span);
        };
        match op {
            None => {
                let typed = self.expr(value, Some(&place_type));
                let ir = self.convert(typed, &place_type);
                Typed::new(
                    Ir::Assign {
                        place,
                        value: Box::new(ir),
                    },
                    place_type,
                    span,
                )
            }
            Some(BinaryOp::Coalesce) => {
                // The docs say policy expressions are C# 7; `??=` came in C# 8.
                self.error(
                    Code::ExpressionSyntax,
                    span,
                    "`??=` is c# 8; policy expressions are c# 7",
                    "write `x = x ?? value`",
                );
                let typed = self.expr(value, Some(&place_type));
                let ir = self.convert(typed, place_type.underlying());
                Typed::new(
                    Ir::Compound {
                        place,
                        op: Box::new(CompoundOp::Coalesce),
                        value: Box::new(ir),
                    },
                    place_type,
                    span,
                )
            }
            Some(op) => {
                let right = self.expr(value, None);
                if place_type.is_unknown() || right.ty.is_unknown() {
                    return Typed::error(span);
                }
                if op == BinaryOp::Add && place_type == Type::String {
                    return Typed::new(
                        Ir::Compound {
                            place,
                            op: Box::new(CompoundOp::Concat),
                            value: Box::new(right.ir),
                        },
                        place_type,
                        span,
                    );
                }
                // Work out the operation as for `x op y`, with a stand-in for x.
                let probe = Typed::new(Ir::Const(Value::Null), place_type.clone(), span);
                let right_type = right.ty.clone();
                let right_constant = right.constant.clone();
                let probe_right = Typed {
                    ir: Ir::Const(Value::Null),
                    ty: right_type.clone(),
                    constant: right_constant,
                    span: right.span,
                };
                let before = self.diagnostics.len();
                let combined = self.binary(op, probe, probe_right, span);
                if self.diagnostics.len() > before {
                    return Typed::error(span);
                }
                let compound = match combined.ir {
                    Ir::Binary {
                        op: bin,
                        operand,
                        checked,
                        ..
                    } => {
                        let operand_type = operand_type(operand, &combined.ty);
                        let widen = if operand_type == place_type {
                            None
                        } else {
                            self.widening(&place_type, &operand_type)
                        };
                        let right_ir = if matches!(bin, ir::BinOp::Shl | ir::BinOp::Shr) {
                            self.convert(right, &Type::Int32)
                        } else if matches!(
                            operand,
                            Operand::DateTime | Operand::DateTimeOffset | Operand::TimeSpan
                        ) {
                            right.ir
                        } else {
                            self.convert(right, &operand_type)
                        };
                        let narrow = if combined.ty == place_type {
                            None
                        } else {
                            Some(ir::Convert::Numeric {
                                to: place_type.clone(),
                                checked: self.checked,
                            })
                        };
                        return Typed::new(
                            Ir::Compound {
                                place,
                                op: Box::new(CompoundOp::Binary {
                                    op: bin,
                                    operand,
                                    widen,
                                    narrow,
                                    checked,
                                    span,
                                }),
                                value: Box::new(right_ir),
                            },
                            place_type,
                            span,
                        );
                    }
                    Ir::Lifted {
                        op: bin,
                        operand,
                        checked,
                        ..
                    } => CompoundOp::Lifted {
                        op: bin,
                        operand,
                        checked,
                        span,
                    },
                    _ => {
                        self.error(
                            Code::InvalidOperator,
                            span,
                            &format!(
                                "`{}=` cannot be applied to `{place_type}` and `{right_type}`",
                                op.symbol()
                            ),
                            "",
                        );
                        return Typed::error(span);
                    }
                };
                Typed::new(
                    Ir::Compound {
                        place,
                        op: Box::new(compound),
                        value: Box::new(right.ir),
                    },
                    place_type,
                    span,
                )
            }
        }
    }

    fn widening(&mut self, from: &Type, to: &Type) -> Option<ir::Convert> {
        match types::implicit(from, to) {
            Some(types::Conversion::Numeric(target)) => Some(ir::Convert::Numeric {
                to: target,
                checked: false,
            }),
            _ => None,
        }
    }

    /// `++x`, `x--` and the like.
    fn step(&mut self, op: UnaryOp, target: &Expr, span: Span) -> Typed {
        let Some((place, ty)) = self.place(target) else {
            return Typed::error(span);
        };
        let promoted = match ty.underlying() {
            Type::SByte | Type::Byte | Type::Int16 | Type::UInt16 | Type::Char | Type::Int32 => {
                Type::Int32
            }
            Type::UInt32 => Type::UInt32,
            Type::Int64 => Type::Int64,
            Type::UInt64 => Type::UInt64,
            Type::Single => Type::Single,
            Type::Double => Type::Double,
            Type::Decimal => Type::Decimal,
            other => {
                let symbol = if matches!(op, UnaryOp::PreIncrement | UnaryOp::PostIncrement) {
                    "++"
                } else {
                    "--"
                };
                if !other.is_unknown() {
                    self.error(
                        Code::InvalidOperator,
                        span,
                        &format!("`{symbol}` cannot be applied to `{ty}`"),
                        "",
                    );
                }
                return Typed::error(span);
            }
        };
        let operand = operand_of(&promoted).unwrap_or(Operand::I32);
        Typed::new(
            Ir::Step {
                place,
                operand,
                increment: matches!(op, UnaryOp::PreIncrement | UnaryOp::PostIncrement),
                prefix: matches!(op, UnaryOp::PreIncrement | UnaryOp::PreDecrement),
                to: ty.underlying().clone(),
                checked: self.checked,
                span,
            },
            ty,
            span,
        )
    }

    // ----- functions -----

    fn lambda(
        &mut self,
        params: &[ast::LambdaParam],
        body: &ast::LambdaBody,
        expected: Option<&Type>,
        span: Span,
    ) -> Typed {
        let (param_types, declared) = match expected {
            Some(Type::Func(param_types, result)) if param_types.len() == params.len() => {
                let result = if **result == Type::Unknown {
                    None
                } else {
                    Some((**result).clone())
                };
                (param_types.clone(), result)
            }
            _ if params.iter().all(|p| p.ty.is_some()) => {
                let types = params
                    .iter()
                    .filter_map(|p| p.ty.as_ref())
                    .map(|t| self.resolve_type(t))
                    .collect();
                (types, None)
            }
            _ => {
                self.error(
                    Code::InvalidConversion,
                    span,
                    "a lambda needs a delegate type here",
                    "pass it to a method that takes a `Func`, or give its parameters types",
                );
                return Typed::error(span);
            }
        };
        let mut param_types = param_types;
        for (index, param) in params.iter().enumerate() {
            if let Some(ty) = &param.ty {
                let declared_type = self.resolve_type(ty);
                if let Some(slot) = param_types.get_mut(index) {
                    *slot = declared_type;
                }
            }
        }
        let names: Vec<(String, Span)> = params
            .iter()
            .map(|p| (p.name.name.clone(), p.name.span))
            .collect();
        let (function, result) = self.function_body("lambda", &names, &param_types, declared, body);
        Typed::new(
            Ir::Closure(function),
            Type::Func(param_types, Box::new(result)),
            span,
        )
    }

    // ----- creation -----

    fn new_object(
        &mut self,
        ty: &TypeSyntax,
        args: &[ast::Argument],
        initializer: Option<&[InitItem]>,
        span: Span,
    ) -> Typed {
        let target = self.resolve_type(ty);
        if target.is_unknown() {
            for argument in args {
                if let ArgumentValue::Value(value) = &argument.value {
                    self.expr(value, None);
                }
            }
            return Typed::error(span);
        }
        if let Type::Class(class) = target
            && matches!(class.kind(), ClassKind::Static | ClassKind::Abstract)
        {
            self.error(
                Code::InvalidStatement,
                ty.span,
                &format!("`{}` cannot be created with `new`", class.name()),
                "use one of its static members or factory methods",
            );
            return Typed::error(span);
        }
        let constructors: Vec<_> = self.registry.constructors(&target).iter().collect();
        if constructors.is_empty() {
            self.error(
                Code::NotImplemented,
                ty.span,
                &format!("gatehouse cannot create a `{target}` yet"),
                "",
            );
            return Typed::error(span);
        }
        let owner_args = self.owner_type_args(&target);
        self.call_owner = Some(target.clone());
        let created = self.resolve_call(constructors, None, args, &owner_args, span, ".ctor", None);
        let created = Typed::new(created.ir, target.clone(), span);
        let Some(items) = initializer else {
            return created;
        };
        let mut steps = Vec::new();
        for item in items {
            let receiver = Typed::new(Ir::InitTarget, target.clone(), span);
            match item {
                InitItem::Member { name, value } => {
                    let members = self.registry.instance_members(&target, &name.name);
                    let Some(member) = members.into_iter().find(|m| m.kind == MemberKind::Property)
                    else {
                        self.unknown_member(&target, name);
                        continue;
                    };
                    let Some(setter) = member.setter else {
                        self.error(
                            Code::InvalidAssignment,
                            name.span,
                            &format!("`{}` cannot be assigned to", name.name),
                            "the property is read-only",
                        );
                        continue;
                    };
                    let property_type = substitute(&member.result, &owner_args);
                    match value {
                        InitValue::Expr(expr) => {
                            let typed = self.expr(expr, Some(&property_type));
                            let ir = self.convert(typed, &property_type);
                            steps.push(Ir::Assign {
                                place: Place::Property {
                                    target: Box::new(receiver.ir),
                                    getter: Some(member.func),
                                    setter,
                                    span: name.span,
                                },
                                value: Box::new(ir),
                            });
                        }
                        InitValue::Object(_) => {
                            self.error(
                                Code::NotImplemented,
                                name.span,
                                "gatehouse does not implement nested object initializers yet",
                                "",
                            );
                        }
                    }
                }
                InitItem::Index { args, value } => {
                    let indexers: Vec<_> = self
                        .registry
                        .indexers(&target)
                        .into_iter()
                        .filter(|m| m.setter.is_some())
                        .collect();
                    let resolved = self.resolve_call(
                        indexers.clone(),
                        Some(receiver),
                        args,
                        &[],
                        span,
                        "this[]",
                        None,
                    );
                    let chosen_setter = self.last_setter.take();
                    if let Ir::Native {
                        func,
                        target: Some(target_ir),
                        args,
                        ..
                    } = resolved.ir
                    {
                        let setter = chosen_setter.unwrap_or(func);
                        let typed = self.expr(value, Some(&resolved.ty));
                        let ir = self.convert(typed, &resolved.ty);
                        steps.push(Ir::Assign {
                            place: Place::Index {
                                target: target_ir,
                                args,
                                getter: func,
                                setter,
                                span,
                            },
                            value: Box::new(ir),
                        });
                    }
                }
                InitItem::Element {
                    values,
                    span: item_span,
                } => {
                    let arguments: Vec<ast::Argument> = values
                        .iter()
                        .map(|v| ast::Argument {
                            name: None,
                            value: ArgumentValue::Value(v.clone()),
                            span: v.span,
                        })
                        .collect();
                    let adds = self.registry.instance_members(&target, "Add");
                    let call = self.resolve_call(
                        adds,
                        Some(receiver),
                        &arguments,
                        &[],
                        *item_span,
                        "Add",
                        None,
                    );
                    steps.push(call.ir);
                }
                InitItem::Expr(expr) => {
                    let argument = ast::Argument {
                        name: None,
                        value: ArgumentValue::Value(expr.clone()),
                        span: expr.span,
                    };
                    let adds = self.registry.instance_members(&target, "Add");
                    if adds.is_empty() {
                        self.error(
                            Code::UnknownMember,
                            expr.span,
                            &format!("`{target}` has no `Add` method for a collection initializer"),
                            "",
                        );
                        continue;
                    }
                    let call = self.resolve_call(
                        adds,
                        Some(receiver),
                        std::slice::from_ref(&argument),
                        &[],
                        expr.span,
                        "Add",
                        None,
                    );
                    steps.push(call.ir);
                }
            }
        }
        Typed::new(
            Ir::WithInitTarget(Box::new(created.ir), steps),
            target,
            span,
        )
    }

    fn new_array(
        &mut self,
        element: Option<&TypeSyntax>,
        sizes: &[Expr],
        items: Option<&[ast::ArrayItem]>,
        expected: Option<&Type>,
        span: Span,
    ) -> Typed {
        if sizes.len() > 1 {
            self.report_once(
                Code::NotImplemented,
                span,
                "gatehouse does not implement multi-dimensional arrays",
                "use an array of arrays",
            );
            return Typed::error(span);
        }
        let element = match element {
            Some(syntax) => self.resolve_type(syntax),
            None => {
                // `new[] { … }`: the best common type of the elements.
                let Some(items) = items else {
                    return Typed::error(span);
                };
                let mut typed_items = Vec::new();
                for item in items {
                    match item {
                        ast::ArrayItem::Expr(expr) => typed_items.push(self.expr(expr, None)),
                        ast::ArrayItem::Nested(_, at) => {
                            self.error(
                                Code::InvalidStatement,
                                *at,
                                "nested initializers need an explicit array type",
                                "",
                            );
                        }
                    }
                }
                let types: Vec<Type> = typed_items.iter().map(|t| t.ty.clone()).collect();
                let Some(common) = super::common_type(&types) else {
                    self.error(
                        Code::InvalidConversion,
                        span,
                        "no best type for the elements of `new[] { … }`",
                        "give the array a type: `new object[] { … }`",
                    );
                    return Typed::error(span);
                };
                let items: Vec<Ir> = typed_items
                    .into_iter()
                    .map(|t| self.convert(t, &common))
                    .collect();
                return Typed::new(
                    Ir::ArrayOf {
                        element: common.clone(),
                        items,
                    },
                    Type::array(common),
                    span,
                );
            }
        };
        let _ = expected;
        let array_type = Type::array(element.clone());
        if let Some(size) = sizes.first() {
            let size_typed = self.expr(size, Some(&Type::Int32));
            let size_ir = self.convert(size_typed, &Type::Int32);
            if items.is_some() {
                self.error(
                    Code::NotImplemented,
                    span,
                    "gatehouse does not implement sized arrays with initializers",
                    "leave out the size: `new T[] { … }`",
                );
            }
            return Typed::new(
                Ir::NewArray {
                    element,
                    size: Box::new(size_ir),
                    span,
                },
                array_type,
                span,
            );
        }
        let items = items.unwrap_or_default();
        let compiled = items
            .iter()
            .map(|item| match item {
                ast::ArrayItem::Expr(expr) => {
                    let typed = self.expr(expr, Some(&element));
                    self.convert(typed, &element)
                }
                ast::ArrayItem::Nested(_, at) => {
                    self.error(
                        Code::NotImplemented,
                        *at,
                        "gatehouse does not implement nested array initializers",
                        "",
                    );
                    Ir::Const(Value::Null)
                }
            })
            .collect();
        Typed::new(
            Ir::ArrayOf {
                element,
                items: compiled,
            },
            array_type,
            span,
        )
    }
}

/// The name of a fused `context` member (`Request.Headers`), for later peepholes and messages.
fn fused_name(part: &str, member: &'static str) -> &'static str {
    match (part, member) {
        ("Request", "Headers") => "Request.Headers",
        ("Response", "Headers") => "Response.Headers",
        _ => member,
    }
}

/// The type an operand kind computes in.
fn operand_type(operand: Operand, fallback: &Type) -> Type {
    match operand {
        Operand::I32 => Type::Int32,
        Operand::U32 => Type::UInt32,
        Operand::I64 => Type::Int64,
        Operand::U64 => Type::UInt64,
        Operand::F32 => Type::Single,
        Operand::F64 => Type::Double,
        Operand::Dec => Type::Decimal,
        Operand::Bool => Type::Bool,
        Operand::Str => Type::String,
        Operand::Char => Type::Char,
        _ => fallback.clone(),
    }
}

fn is_apim(ty: &Type) -> bool {
    matches!(
        ty,
        Type::Class(
            Class::Context
                | Class::Request
                | Class::Response
                | Class::Url
                | Class::MessageBody
                | Class::Api
                | Class::Operation
                | Class::Product
                | Class::Subscription
                | Class::User
                | Class::Deployment
                | Class::LastError
        )
    ) || matches!(
        ty,
        Type::Generic(crate::types::Generic::IReadOnlyDictionary, _)
    )
}

fn forbidden_help(class: Class) -> &'static str {
    match class {
        Class::XmlDocument | Class::XmlReader => {
            "use `XDocument.Parse(text)` and LINQ to XML instead"
        }
        Class::HttpClient => "make HTTP calls with the `send-request` policy",
        Class::CultureInfo => "call the overload that takes no culture",
        Class::HttpUtility => "use `WebUtility.UrlEncode` or `Uri.EscapeDataString`",
        Class::File | Class::Environment => {
            "expressions cannot reach the file system or the environment"
        }
        _ => "use a type APIM allows",
    }
}

/// Replaces type parameters by their bindings (unbound ones become `Unknown`).
pub(super) fn substitute(ty: &Type, bindings: &[Type]) -> Type {
    match ty {
        Type::Param(index) => bindings
            .get(usize::from(*index))
            .cloned()
            .unwrap_or(Type::Unknown),
        Type::Nullable(inner) => Type::nullable(substitute(inner, bindings)),
        Type::Array(element) => Type::array(substitute(element, bindings)),
        Type::Generic(generic, args) => Type::Generic(
            *generic,
            args.iter().map(|a| substitute(a, bindings)).collect(),
        ),
        Type::Func(params, result) => Type::Func(
            params.iter().map(|p| substitute(p, bindings)).collect(),
            Box::new(substitute(result, bindings)),
        ),
        other => other.clone(),
    }
}
