//! Calls: resolving the member, inferring type arguments, typing lambdas, choosing the
//! overload, and compiling the arguments.

use gatehouse_diagnostics::{Code, Span};
use gatehouse_expr_syntax::ast::{self, Argument, ArgumentValue, Expr, ExprKind};

use super::expr::{Target, substitute};
use super::{Compiler, Typed};
use crate::ir::{Ir, Place};
use crate::library::regex_syntax::Verdict;
use crate::library::{Member, MemberKind, dotnet};
use crate::types::{self, Class, Conversion, Generic, Type};
use crate::value::Value;

/// An argument as written, before a candidate is chosen.
enum Form<'a> {
    Typed(Typed),
    Lambda(&'a Expr),
    /// A method group such as `int.Parse`, converted to a delegate like a lambda.
    MethodGroup(&'a Expr),
    OutDeclaration {
        ty: Option<Type>,
        name: &'a str,
        span: Span,
    },
    OutPlace(&'a Expr, Type),
}

struct Arg<'a> {
    name: Option<&'a str>,
    form: Form<'a>,
    span: Span,
}

/// How a candidate would take the arguments.
struct Plan<'m> {
    member: &'m Member,
    /// For each argument, the parameter it goes to.
    param_of: Vec<usize>,
    /// `params` arguments packed into an array.
    expanded: bool,
    bindings: Vec<Type>,
    /// Lambda argument index → the result type its body had for this candidate.
    score: u32,
}

fn numeric_rank(ty: &Type) -> u32 {
    match ty {
        Type::SByte | Type::Byte => 1,
        Type::Int16 | Type::UInt16 | Type::Char => 2,
        Type::Int32 | Type::UInt32 => 3,
        Type::Int64 | Type::UInt64 => 4,
        Type::Single => 5,
        Type::Double => 6,
        Type::Decimal => 7,
        _ => 8,
    }
}

/// How good a conversion is for overload resolution: lower is better.
fn cost(from: &Type, to: &Type, constant: Option<&Value>) -> Option<u32> {
    if from == to || from.is_unknown() || to.is_unknown() {
        return Some(0);
    }
    if let Some(value) = constant
        && let Some(number) = integer(value)
        && super::ops::constant_conversion(from, number, to.underlying()).is_some()
    {
        return Some(2 + numeric_rank(to.underlying()));
    }
    Some(match types::implicit(from, to)? {
        Conversion::Identity => 0,
        Conversion::NullLiteral => 1,
        Conversion::Numeric(target) => 2 + numeric_rank(&target).saturating_sub(numeric_rank(from)),
        Conversion::WrapNullable => 12,
        Conversion::Upcast | Conversion::Sequence => 14,
        Conversion::ToJToken | Conversion::ToXmlName(_) => 20,
        Conversion::Boxing => 24,
        _ => 30,
    })
}

fn integer(value: &Value) -> Option<i128> {
    match value {
        Value::Int32(v) => Some(i128::from(*v)),
        Value::Int64(v) => Some(i128::from(*v)),
        _ => None,
    }
}

/// Binds type parameters in `pattern` from `actual`; false when they cannot agree.
fn infer(pattern: &Type, actual: &Type, bindings: &mut [Option<Type>]) -> bool {
    if actual.is_unknown() {
        return true;
    }
    match pattern {
        Type::Param(index) => {
            let Some(slot) = bindings.get_mut(usize::from(*index)) else {
                return false;
            };
            match slot {
                None => {
                    if *actual == Type::Null {
                        return true;
                    }
                    *slot = Some(actual.clone());
                    true
                }
                Some(bound) => {
                    if bound == actual || types::implicit(actual, bound).is_some() {
                        true
                    } else if types::implicit(bound, actual).is_some() {
                        *slot = Some(actual.clone());
                        true
                    } else {
                        false
                    }
                }
            }
        }
        Type::Generic(Generic::IEnumerable, args) => match (args.first(), actual.element_type()) {
            (Some(element_pattern), Some(element)) => infer(element_pattern, &element, bindings),
            _ => true,
        },
        Type::Generic(generic, args) => match actual {
            Type::Generic(other, actual_args)
                if other == generic || args.len() == actual_args.len() =>
            {
                args.iter()
                    .zip(actual_args)
                    .all(|(p, a)| infer(p, a, bindings))
            }
            Type::Object => true,
            other => match (generic, other.element_type()) {
                (
                    Generic::IReadOnlyDictionary | Generic::IDictionary,
                    Some(Type::Generic(Generic::KeyValuePair, kv)),
                ) => args.iter().zip(&kv).all(|(p, a)| infer(p, a, bindings)),
                _ => true,
            },
        },
        Type::Array(element_pattern) => match actual {
            Type::Array(element) => infer(element_pattern, element, bindings),
            _ => true,
        },
        Type::Nullable(inner) => infer(inner, actual.underlying(), bindings),
        Type::Func(params, result) => match actual {
            Type::Func(actual_params, actual_result) if actual_params.len() == params.len() => {
                params
                    .iter()
                    .zip(actual_params)
                    .all(|(p, a)| infer(p, a, bindings))
                    && infer(result, actual_result, bindings)
            }
            _ => true,
        },
        _ => true,
    }
}

fn fully_bound(ty: &Type, bindings: &[Option<Type>]) -> bool {
    match ty {
        Type::Param(index) => bindings
            .get(usize::from(*index))
            .is_some_and(Option::is_some),
        Type::Nullable(inner) | Type::Array(inner) => fully_bound(inner, bindings),
        Type::Generic(_, args) => args.iter().all(|a| fully_bound(a, bindings)),
        Type::Func(params, result) => {
            params.iter().all(|p| fully_bound(p, bindings)) && fully_bound(result, bindings)
        }
        _ => true,
    }
}

/// Does the extension method `member` extend `receiver`: does `receiver` convert to its
/// `this` parameter, once the type arguments are inferred from it?
pub(super) fn extends(member: &Member, receiver: &Type) -> bool {
    member.params.first().is_some_and(|this| {
        let mut bindings = vec![None; member.type_params];
        infer(&this.ty, receiver, &mut bindings)
            && cost(receiver, &substitute(&this.ty, &resolved(&bindings)), None).is_some()
    })
}

fn resolved(bindings: &[Option<Type>]) -> Vec<Type> {
    bindings
        .iter()
        .map(|b| b.clone().unwrap_or(Type::Object))
        .collect()
}

/// The type a name or dotted path denotes, if it denotes one (`int`, `System.Uri`).
fn static_type_of(expr: &Expr) -> Option<Type> {
    match &expr.kind {
        ExprKind::PredefinedType(p) => Some(super::expr::predefined_type(*p)),
        ExprKind::Name { .. } | ExprKind::Member { .. } => {
            let mut parts = Vec::new();
            let mut current = expr;
            loop {
                match &current.kind {
                    ExprKind::Name { name, type_args } if type_args.is_empty() => {
                        parts.push(name.name.clone());
                        break;
                    }
                    ExprKind::Member {
                        target,
                        name,
                        type_args,
                        conditional: false,
                    } if type_args.is_empty() => {
                        parts.push(name.name.clone());
                        current = target;
                    }
                    _ => return None,
                }
            }
            parts.reverse();
            Type::by_name(&parts.join("."), Vec::new())
        }
        _ => None,
    }
}

/// The first name of a dotted path (a local variable would shadow a type of that name).
fn type_root(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Name { name, .. } => name.name.clone(),
        ExprKind::Member { target, .. } => type_root(target),
        _ => String::new(),
    }
}

/// `x => Type.Method(x)` for the method group `Type.Method` taking `arity` arguments: C#
/// converts a method group to a delegate as if it were that lambda.
fn method_group_lambda(group: &Expr, arity: usize) -> Expr {
    let span = group.span;
    let names: Vec<String> = (0..arity).map(|i| format!("<arg{i}>")).collect();
    let name_expr = |name: &String| Expr {
        kind: ExprKind::Name {
            name: gatehouse_expr_syntax::ast::Ident {
                name: name.clone(),
                span,
            },
            type_args: Vec::new(),
        },
        span,
        depth: 1,
    };
    let call = Expr {
        kind: ExprKind::Call {
            target: Box::new(group.clone()),
            args: names
                .iter()
                .map(|name| Argument {
                    name: None,
                    value: ArgumentValue::Value(name_expr(name)),
                    span,
                })
                .collect(),
        },
        span,
        depth: group.depth + 1,
    };
    Expr {
        kind: ExprKind::Lambda {
            params: names
                .iter()
                .map(|name| gatehouse_expr_syntax::ast::LambdaParam {
                    ty: None,
                    name: gatehouse_expr_syntax::ast::Ident {
                        name: name.clone(),
                        span,
                    },
                })
                .collect(),
            body: gatehouse_expr_syntax::ast::LambdaBody::Expr(Box::new(call)),
        },
        span,
        depth: group.depth + 2,
    }
}

/// `text` (a type as `Display` writes it, `T0`, `T1` for type parameters) with the parameters'
/// names from the signature: `IReadOnlyDictionary<K, V>` rather than `<T0, T1>`.
fn with_param_names(text: &str, names: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('T') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let digits = from
            .get(1..)
            .unwrap_or_default()
            .chars()
            .take_while(char::is_ascii_digit)
            .count();
        let starts_word = !out
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = from.get(1 + digits..).unwrap_or_default();
        let ends_word = !after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let name = from
            .get(1..1 + digits)
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|index| names.get(index));
        match name {
            Some(name) if digits > 0 && starts_word && ends_word => {
                out.push_str(name);
                rest = after;
            }
            _ => {
                out.push('T');
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Name(type p, …)` for the list of candidates in a message.
fn describe(member: &Member, name: &str) -> String {
    let params: Vec<String> = member
        .params
        .iter()
        .skip(usize::from(member.is_extension))
        .map(|p| {
            let mut text = String::new();
            if p.is_params {
                text.push_str("params ");
            }
            if p.is_out {
                text.push_str("out ");
            }
            text.push_str(&format!(
                "{} {}",
                with_param_names(&p.ty.to_string(), &member.type_param_names),
                p.name
            ));
            if p.default.is_some() {
                text.push_str(" = …");
            }
            text
        })
        .collect();
    let shown = if name == ".ctor" { "new" } else { name };
    format!("{shown}({})", params.join(", "))
}

impl Compiler {
    pub(super) fn call(
        &mut self,
        target: &Expr,
        args: &[Argument],
        span: Span,
        expected: Option<&Type>,
    ) -> Typed {
        match &target.kind {
            ExprKind::Member {
                target: receiver,
                name,
                type_args,
                conditional,
            } => {
                let explicit: Vec<Type> = type_args.iter().map(|t| self.resolve_type(t)).collect();
                match self.resolve_target(receiver) {
                    Target::Type(ty) => {
                        let members: Vec<&Member> = self
                            .registry
                            .static_members(&ty, &name.name)
                            .into_iter()
                            .filter(|m| m.kind == MemberKind::Method)
                            .collect();
                        if members.is_empty() {
                            self.compile_args_for_errors(args);
                            if self.unimplemented_member(&ty, name)
                                || self.dotnet_member(
                                    &ty,
                                    name,
                                    dotnet::Use::Static,
                                    Some(args.len()),
                                )
                            {
                                return Typed::error(span);
                            }
                            let names = self.registry.member_names(&ty, true);
                            let help = super::closest(&name.name, names).map_or_else(
                                || {
                                    format!(
                                        "gatehouse knows no static method `{}` of `{ty}`",
                                        name.name
                                    )
                                },
                                |s| format!("did you mean `{s}`?"),
                            );
                            self.error(
                                Code::UnknownMember,
                                name.span,
                                &format!("`{ty}` has no static method `{}`", name.name),
                                &help,
                            );
                            return Typed::error(span);
                        }
                        self.call_owner = Some(ty.clone());
                        self.resolve_call(
                            members, None, args, &explicit, span, &name.name, expected,
                        )
                    }
                    Target::Namespace(path) => {
                        self.compile_args_for_errors(args);
                        if self.unimplemented_type(&path.to_string(), receiver.span) {
                            return Typed::error(span);
                        }
                        self.error(
                            Code::UnknownType,
                            receiver.span,
                            &format!("unknown type `{path}`"),
                            "use a type APIM allows",
                        );
                        Typed::error(span)
                    }
                    Target::Value(receiver) => {
                        if receiver.ty.is_unknown() {
                            self.compile_args_for_errors(args);
                            return Typed::error(span);
                        }
                        let receiver_type = if *conditional {
                            receiver.ty.underlying().clone()
                        } else {
                            receiver.ty.clone()
                        };
                        let receiver_ir = if *conditional {
                            Ir::NullGuard(Box::new(receiver.ir))
                        } else {
                            receiver.ir
                        };
                        self.contains_on_header_values(target, &receiver_type, &name.name);
                        let receiver =
                            Typed::new(receiver_ir, receiver_type.clone(), receiver.span);
                        if let Type::Func(..) = receiver_type
                            && name.name == "Invoke"
                        {
                            return self.invoke(receiver, args, span);
                        }
                        let instance: Vec<&Member> = self
                            .registry
                            .instance_members(&receiver_type, &name.name)
                            .into_iter()
                            .filter(|m| m.kind == MemberKind::Method)
                            .collect();
                        let extensions: Vec<&Member> =
                            self.registry.extension_methods(&name.name).iter().collect();
                        if instance.is_empty() && extensions.is_empty() {
                            self.compile_args_for_errors(args);
                            let property_type = self
                                .registry
                                .instance_members(&receiver_type, &name.name)
                                .iter()
                                .find(|m| m.kind == MemberKind::Property)
                                .map(|m| m.result.clone());
                            if let Some(property_type) = property_type {
                                // `MatchedParameters("id")` meant an index; `Length()` meant
                                // the value itself, which has no index to offer.
                                let help = if self.registry.indexers(&property_type).is_empty() {
                                    format!("read it without parentheses: `.{}`", name.name)
                                } else {
                                    format!(
                                        "index it with `[…]` or read it without parentheses: `{}[…]`",
                                        name.name
                                    )
                                };
                                self.error(
                                    Code::UnknownMember,
                                    name.span,
                                    &format!(
                                        "`{}` is a property of `{receiver_type}`, not a method",
                                        name.name
                                    ),
                                    &help,
                                );
                            } else {
                                self.unknown_member(&receiver_type, name);
                            }
                            return Typed::error(span);
                        }
                        // Instance methods win over extension methods when one applies (C#).
                        let mut candidates = instance;
                        let instance_count = candidates.len();
                        candidates.extend(extensions);
                        self.resolve_call_split(
                            candidates,
                            instance_count,
                            receiver,
                            args,
                            &explicit,
                            span,
                            &name.name,
                            expected,
                        )
                    }
                }
            }
            ExprKind::Name { name, .. } => match self.lookup(&name.name) {
                Some((local_ref, local)) => {
                    let callee = Typed::new(Ir::Local(local_ref), local.ty, target.span);
                    self.invoke(callee, args, span)
                }
                None => {
                    self.compile_args_for_errors(args);
                    let candidates = self.local_names();
                    let help = super::closest(&name.name, candidates.iter().map(String::as_str))
                        .map_or_else(
                            || "call a method of a type or a value: `value.Method(…)`".to_owned(),
                            |s| format!("did you mean `{s}`?"),
                        );
                    self.error(
                        Code::UnknownName,
                        name.span,
                        &format!("unknown function `{}`", name.name),
                        &help,
                    );
                    Typed::error(span)
                }
            },
            _ => {
                let callee = self.expr(target, None);
                self.invoke(callee, args, span)
            }
        }
    }

    /// Is `expr` a static method group (`int.Parse`, `Uri.EscapeDataString`)? Decided without
    /// reporting anything.
    fn is_method_group(&mut self, expr: &Expr) -> bool {
        let ExprKind::Member {
            target,
            name,
            type_args,
            conditional: false,
        } = &expr.kind
        else {
            return false;
        };
        if !type_args.is_empty() {
            return false;
        }
        let Some(ty) = static_type_of(target) else {
            return false;
        };
        if self.lookup(&type_root(target)).is_some()
            || self.registry.static_constant(&ty, &name.name).is_some()
        {
            return false;
        }
        let members = self.registry.static_members(&ty, &name.name);
        !members.is_empty() && members.iter().all(|m| m.kind == MemberKind::Method)
    }

    fn compile_args_for_errors(&mut self, args: &[Argument]) {
        for argument in args {
            if let ArgumentValue::Value(value) = &argument.value
                && !matches!(value.kind, ExprKind::Lambda { .. })
            {
                self.expr(value, None);
            }
        }
    }

    /// Calls a delegate value (a lambda in a variable, a local function).
    /// `context.Request.Headers["User-Agent"].Contains("iPad")`: the indexer gives the header's
    /// values, a `string[]`, and LINQ's `Contains` looks for a value equal to the argument, so
    /// the test is false for `Mozilla/5.0 (iPad; …)` (the choose page's example until it was
    /// corrected to `GetValueOrDefault("User-Agent", "").Contains("iPad")`).
    #[inline(never)]
    fn contains_on_header_values(&mut self, call_target: &Expr, receiver_type: &Type, name: &str) {
        if name != "Contains" || *receiver_type != Type::Array(Box::new(Type::String)) {
            return;
        }
        let ExprKind::Member {
            target: receiver, ..
        } = &call_target.kind
        else {
            return;
        };
        let ExprKind::Index {
            target: collection,
            args,
            ..
        } = &receiver.kind
        else {
            return;
        };
        let ExprKind::Member { name: owner, .. } = &collection.kind else {
            return;
        };
        if !matches!(owner.name.as_str(), "Headers" | "Query") {
            return;
        }
        let key = args
            .first()
            .and_then(|argument| match &argument.value {
                ArgumentValue::Value(Expr {
                    kind: ExprKind::Literal(ast::Literal::String(key)),
                    ..
                }) => Some(format!("\"{key}\"")),
                _ => None,
            })
            .unwrap_or_else(|| "…".to_owned());
        self.report(
            Code::ContainsWholeValue,
            call_target.span,
            &format!(
                "`{}[…]` gives the values as a `string[]`: this `Contains` looks for a value equal to its argument, not text containing it",
                owner.name
            ),
            &format!(
                "test the text: `{}.GetValueOrDefault({key}, \"\").Contains(…)`",
                owner.name
            ),
        );
    }

    fn invoke(&mut self, callee: Typed, args: &[Argument], span: Span) -> Typed {
        let Type::Func(params, result) = callee.ty.clone() else {
            if !callee.ty.is_unknown() {
                self.error(
                    Code::InvalidOperator,
                    callee.span,
                    &format!("a `{}` cannot be called", callee.ty),
                    "",
                );
            }
            self.compile_args_for_errors(args);
            return Typed::error(span);
        };
        if params.len() != args.len() {
            self.error(
                Code::NoMatchingOverload,
                span,
                &format!(
                    "the function takes {} arguments, not {}",
                    params.len(),
                    args.len()
                ),
                "",
            );
            return Typed::error(span);
        }
        let mut compiled = Vec::new();
        for (argument, param) in args.iter().zip(&params) {
            match &argument.value {
                ArgumentValue::Value(value) => {
                    let typed = self.expr(value, Some(param));
                    compiled.push(self.convert(typed, param));
                }
                _ => {
                    self.error(
                        Code::NotImplemented,
                        argument.span,
                        "gatehouse does not implement `out` and `ref` arguments of local functions",
                        "",
                    );
                }
            }
        }
        Typed::new(
            Ir::Invoke {
                callee: Box::new(callee.ir),
                args: compiled,
                span,
            },
            (*result).clone(),
            span,
        )
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "instance and extension candidates are tried in two rounds"
    )]
    fn resolve_call_split(
        &mut self,
        candidates: Vec<&Member>,
        instance_count: usize,
        receiver: Typed,
        args: &[Argument],
        explicit: &[Type],
        span: Span,
        name: &str,
        expected: Option<&Type>,
    ) -> Typed {
        let (instance, extension): (Vec<&Member>, Vec<&Member>) = {
            let mut instance = candidates;
            let extension = instance.split_off(instance_count);
            (instance, extension)
        };
        if !instance.is_empty() {
            let prepared = self.prepare_args(args);
            if self
                .best_plan(&instance, Some(&receiver), &prepared, explicit)
                .is_some()
                || extension.is_empty()
            {
                return self.finish_call(instance, Some(receiver), prepared, explicit, span, name);
            }
            return self.finish_call(extension, Some(receiver), prepared, explicit, span, name);
        }
        let _ = expected;
        self.resolve_call(extension, Some(receiver), args, explicit, span, name, None)
    }

    /// Chooses among `candidates` for these arguments and compiles the call.
    #[allow(clippy::too_many_arguments, reason = "a call has all of these parts")]
    pub(super) fn resolve_call(
        &mut self,
        candidates: Vec<&Member>,
        receiver: Option<Typed>,
        args: &[Argument],
        explicit: &[Type],
        span: Span,
        name: &str,
        expected: Option<&Type>,
    ) -> Typed {
        let _ = expected;
        // The arguments may hold calls of their own: keep this call's owner from them.
        let owner = self.call_owner.take();
        let prepared = self.prepare_args(args);
        self.call_owner = owner;
        self.finish_call(candidates, receiver, prepared, explicit, span, name)
    }

    fn prepare_args<'a>(&mut self, args: &'a [Argument]) -> Vec<Arg<'a>> {
        args.iter()
            .map(|argument| {
                let form = match &argument.value {
                    ArgumentValue::Value(value)
                        if matches!(value.kind, ExprKind::Lambda { .. }) =>
                    {
                        Form::Lambda(value)
                    }
                    ArgumentValue::Value(value) if self.is_method_group(value) => {
                        Form::MethodGroup(value)
                    }
                    ArgumentValue::Value(value) => Form::Typed(self.expr(value, None)),
                    ArgumentValue::OutDeclaration { ty, name } => Form::OutDeclaration {
                        ty: ty.as_ref().map(|t| self.resolve_type(t)),
                        name: &name.name,
                        span: name.span,
                    },
                    // `out _` with no local `_` in scope is a discard (C# 7): an `out var _`.
                    ArgumentValue::Out(place)
                        if matches!(&place.kind, ExprKind::Name { name, .. }
                            if name.name == "_" && self.lookup("_").is_none()) =>
                    {
                        Form::OutDeclaration {
                            ty: None,
                            name: "_",
                            span: place.span,
                        }
                    }
                    ArgumentValue::Out(place) | ArgumentValue::Ref(place) => {
                        let ty = match &place.kind {
                            ExprKind::Name { name, .. } => self
                                .lookup(&name.name)
                                .map_or(Type::Unknown, |(_, local)| local.ty),
                            _ => Type::Unknown,
                        };
                        Form::OutPlace(place, ty)
                    }
                };
                Arg {
                    name: argument.name.as_ref().map(|n| n.name.as_str()),
                    form,
                    span: argument.span,
                }
            })
            .collect()
    }

    /// The type a lambda's body has when its parameters have `param_types`; `None` if it does
    /// not compile so. Nothing it reports is kept. Warnings do not make it fail: a body that
    /// uses a member Gatehouse does not implement (GH0114) still binds, as it does in APIM.
    fn trial_lambda(
        &mut self,
        lambda: &Expr,
        param_types: &[Type],
        declared: Option<&Type>,
    ) -> Option<Type> {
        let before = self.diagnostics.len();
        // `report_once` may add labels to earlier diagnostics; a trial keeps none of them.
        let labels_before: Vec<usize> = self.diagnostics.iter().map(|d| d.labels.len()).collect();
        let expected = Type::Func(
            param_types.to_vec(),
            Box::new(declared.cloned().unwrap_or(Type::Unknown)),
        );
        let typed = self.expr(lambda, Some(&expected));
        let failed = self
            .diagnostics
            .iter()
            .skip(before)
            .any(gatehouse_diagnostics::Diagnostic::is_error);
        self.diagnostics.truncate(before);
        for (diagnostic, count) in self.diagnostics.iter_mut().zip(labels_before) {
            diagnostic.labels.truncate(count);
        }
        if failed {
            return None;
        }
        match typed.ty {
            Type::Func(_, result) => Some(*result),
            _ => None,
        }
    }

    fn plan<'m>(
        &mut self,
        member: &'m Member,
        receiver: Option<&Typed>,
        args: &[Arg<'_>],
        explicit: &[Type],
    ) -> Option<Plan<'m>> {
        let params = &member.params;
        let first_param = usize::from(member.is_extension);
        let user_params = params.len() - first_param;
        // Map arguments to parameters.
        let mut param_of = Vec::with_capacity(args.len());
        let mut filled = vec![false; params.len()];
        let mut expanded = false;
        let mut positional = first_param;
        for arg in args {
            let index = match arg.name {
                Some(name) => params.iter().position(|p| p.name == name)?,
                None => {
                    if positional >= params.len() {
                        let last = params.len().checked_sub(1)?;
                        if params.get(last).is_some_and(|p| p.is_params) && last >= first_param {
                            expanded = true;
                            last
                        } else {
                            return None;
                        }
                    } else {
                        positional += 1;
                        positional - 1
                    }
                }
            };
            if *filled.get(index)? && !params.get(index).is_some_and(|p| p.is_params) {
                return None;
            }
            if let Some(slot) = filled.get_mut(index) {
                *slot = true;
            }
            param_of.push(index);
        }
        let _ = user_params;
        for (index, param) in params.iter().enumerate().skip(first_param) {
            if !filled.get(index).copied().unwrap_or(false)
                && param.default.is_none()
                && !param.is_params
            {
                return None;
            }
        }
        // Type arguments: the receiver's, then explicit ones, then inferred.
        let mut bindings: Vec<Option<Type>> = vec![None; member.type_params];
        let owner_args = match receiver {
            Some(receiver) if !member.is_extension && member.kind != MemberKind::Constructor => {
                self.owner_type_args(&receiver.ty)
            }
            _ => Vec::new(),
        };
        let owner_count = owner_args.len().min(member.type_params);
        for (slot, ty) in bindings.iter_mut().zip(owner_args) {
            *slot = Some(ty);
        }
        if !explicit.is_empty() {
            if explicit.len() + owner_count != member.type_params {
                return None;
            }
            for (slot, ty) in bindings.iter_mut().skip(owner_count).zip(explicit) {
                *slot = Some(ty.clone());
            }
        }
        if member.is_extension {
            let receiver = receiver?;
            let this_param = params.first()?;
            if !infer(&this_param.ty, &receiver.ty, &mut bindings) {
                return None;
            }
        }
        // Is an argument in expanded `params` form?
        let params_index = params
            .len()
            .checked_sub(1)
            .filter(|&i| params.get(i).is_some_and(|p| p.is_params));
        let count_for_params = param_of
            .iter()
            .filter(|&&p| Some(p) == params_index)
            .count();
        if let Some(pi) = params_index
            && count_for_params == 1
            && !expanded
            && let Some(position) = param_of.iter().position(|&p| p == pi)
            && let Some(Arg {
                form: Form::Typed(typed),
                ..
            }) = args.get(position)
            && !matches!(typed.ty, Type::Array(_) | Type::Null)
        {
            expanded = true;
        }
        let param_type = |index: usize| -> Option<Type> {
            let param = params.get(index)?;
            if Some(index) == params_index && expanded {
                match &param.ty {
                    Type::Array(element) => Some((**element).clone()),
                    other => Some(other.clone()),
                }
            } else {
                Some(param.ty.clone())
            }
        };
        for (arg, &index) in args.iter().zip(&param_of) {
            if let Form::Typed(typed) = &arg.form {
                let pattern = param_type(index)?;
                if !infer(&pattern, &typed.ty, &mut bindings) {
                    return None;
                }
            }
        }
        // Lambdas, once what their parameters need is known.
        let mut lambda_results = Vec::new();
        for (arg, &index) in args.iter().zip(&param_of) {
            let pattern = param_type(index)?;
            // `List<Func<int>>.Add(T item)`: the parameter is a delegate once `T` is bound.
            let pattern = if matches!(arg.form, Form::Lambda(_) | Form::MethodGroup(_))
                && fully_bound(&pattern, &bindings)
            {
                substitute(&pattern, &resolved(&bindings))
            } else {
                pattern
            };
            let group;
            let lambda = match (&arg.form, &pattern) {
                (Form::Lambda(lambda), _) => *lambda,
                (Form::MethodGroup(target), Type::Func(params, _)) => {
                    group = method_group_lambda(target, params.len());
                    &group
                }
                (Form::MethodGroup(_), _) => return None,
                _ => continue,
            };
            {
                let Type::Func(param_patterns, result_pattern) = &pattern else {
                    return None;
                };
                if let ExprKind::Lambda {
                    params: lambda_params,
                    ..
                } = &lambda.kind
                    && lambda_params.len() != param_patterns.len()
                {
                    return None;
                }
                if !param_patterns.iter().all(|p| fully_bound(p, &bindings)) {
                    return None;
                }
                let bound = resolved(&bindings);
                let param_types: Vec<Type> = param_patterns
                    .iter()
                    .map(|p| substitute(p, &bound))
                    .collect();
                let declared = fully_bound(result_pattern, &bindings)
                    .then(|| substitute(result_pattern, &bound));
                let result = self.trial_lambda(lambda, &param_types, declared.as_ref())?;
                if !infer(result_pattern, &result, &mut bindings) {
                    return None;
                }
                lambda_results.push(result);
            }
        }
        if bindings.iter().any(Option::is_none) && member.type_params > 0 {
            // Unbound type parameters (e.g. from a `null` argument) default to `object`.
        }
        let bound = resolved(&bindings);
        // Applicability and cost.
        let mut score = 0u32;
        if member.is_extension
            && let (Some(receiver), Some(this_param)) = (receiver, params.first())
        {
            let target = substitute(&this_param.ty, &bound);
            let conversion_cost = cost(&receiver.ty, &target, None)?;
            score += conversion_cost;
        }
        for (arg, &index) in args.iter().zip(&param_of) {
            let param = params.get(index)?;
            let target = substitute(&param_type(index)?, &bound);
            match &arg.form {
                Form::Typed(typed) => {
                    if param.is_out {
                        return None;
                    }
                    score += cost(&typed.ty, &target, typed.constant.as_ref())?;
                }
                Form::Lambda(_) | Form::MethodGroup(_) => {}
                Form::OutDeclaration { ty, .. } => {
                    if !param.is_out {
                        return None;
                    }
                    if let Some(ty) = ty
                        && *ty != target
                        && !ty.is_unknown()
                    {
                        return None;
                    }
                }
                Form::OutPlace(_, ty) => {
                    if !param.is_out || (*ty != target && !ty.is_unknown()) {
                        return None;
                    }
                }
            }
        }
        if expanded {
            score += 1;
        }
        Some(Plan {
            member,
            param_of,
            expanded,
            bindings: bound,
            score,
        })
    }

    /// GH0114 (or GH0106) when no overload Gatehouse has fits a call because .NET has one
    /// with that many parameters that Gatehouse lacks: `list.Sort(StringComparer.Ordinal)`.
    /// When Gatehouse has an overload of that arity, the arguments' types are the likelier
    /// fault, and the caller reports GH0105.
    fn overload_not_implemented(
        &mut self,
        candidates: &[&Member],
        receiver: Option<&Typed>,
        owner: Option<Type>,
        args: &[Arg<'_>],
        name: &str,
        span: Span,
    ) -> bool {
        let count = args.len();
        let gatehouse_has_arity = candidates.iter().any(|m| {
            let params = m.params.get(usize::from(m.is_extension)..).unwrap_or(&[]);
            let required = params
                .iter()
                .filter(|p| p.default.is_none() && !p.is_params)
                .count();
            let variadic = params.last().is_some_and(|p| p.is_params);
            count >= required && (variadic || count <= params.len())
        });
        if gatehouse_has_arity || name == "this[]" {
            return false;
        }
        let (ty, used) = match (receiver, owner) {
            (Some(receiver), _) => (receiver.ty.clone(), dotnet::Use::Instance),
            (None, Some(owner)) if name == ".ctor" => (owner, dotnet::Use::Constructor),
            (None, Some(owner)) => (owner, dotnet::Use::Static),
            (None, None) => return false,
        };
        let ident = ast::Ident {
            name: name.to_owned(),
            span,
        };
        self.dotnet_member(&ty, &ident, used, Some(count))
    }

    /// `context.Variables.GetValueOrDefault<T>("name", …)` is a typed read: APIM throws when
    /// the variable holds another type. Noted for [`super::Facts`].
    fn note_variable_read(
        &mut self,
        member: &Member,
        bindings: &[Type],
        args: &[Arg<'_>],
        span: Span,
    ) {
        let variables = Type::Generic(
            Generic::IReadOnlyDictionary,
            vec![Type::String, Type::Object],
        );
        if member.name != "GetValueOrDefault"
            || !member.is_extension
            || member.type_params != 1
            || member.params.first().is_none_or(|p| p.ty != variables)
        {
            return;
        }
        let Some(Arg {
            form: Form::Typed(name),
            ..
        }) = args.first()
        else {
            return;
        };
        let (Some(Value::String(variable)), Some(ty)) = (&name.constant, bindings.first()) else {
            return;
        };
        if *ty != Type::Object && !ty.is_unknown() {
            self.variable_reads.push(super::VariableRead {
                name: variable.to_string(),
                ty: ty.clone(),
                span,
            });
        }
    }

    /// `Regex.IsMatch(x, "(v1|v2")` or `new Regex("*")`: a constant pattern .NET refuses throws
    /// `ArgumentException` each time the expression runs, which is each request. Options that
    /// are not constant leave the pattern unjudged.
    fn check_constant_pattern(&mut self, member: &Member, param_of: &[usize], args: &[Arg<'_>]) {
        let argument_of = |wanted: &str| argument_for(member, param_of, args, wanted);
        let Some(Arg {
            form: Form::Typed(pattern),
            span,
            ..
        }) = argument_of("pattern")
        else {
            return;
        };
        let Some(Value::String(text)) = &pattern.constant else {
            return;
        };
        let options = match argument_of("options") {
            None => 0,
            Some(Arg {
                form: Form::Typed(options),
                ..
            }) => match options.constant {
                Some(Value::Enum(_, bits)) => bits,
                _ => return,
            },
            Some(_) => return,
        };
        match crate::library::regex_syntax::verdict_with_options(text, options) {
            Verdict::Refused(refusal) => self.error(
                Code::ExpressionException,
                *span,
                &format!("this pattern throws `ArgumentException` in .net: {refusal}"),
                pattern_help(&refusal),
            ),
            Verdict::Accepted => {
                if let Some(construct) = crate::library::regex_cannot_run(text, options) {
                    self.error(
                        Code::NotImplemented,
                        *span,
                        &format!("gatehouse cannot run this pattern yet: {construct}"),
                        "APIM runs it (.NET accepts the pattern); Gatehouse's regex engine lacks this construct",
                    );
                }
            }
            Verdict::Unjudged => {}
        }
    }

    /// `string.Format("{\"id\": \"{0}\"}", id)`, `string.Format("{0}-{1}", a)` (or a
    /// `StringBuilder`'s `AppendFormat`): a constant
    /// format .NET refuses throws `FormatException` each time the expression runs. The count of
    /// arguments is known when they are listed, not when an array is passed for them.
    fn check_constant_format(&mut self, member: &Member, plan: &Plan<'_>, args: &[Arg<'_>]) {
        let Some(Arg {
            form: Form::Typed(format),
            span,
            ..
        }) = argument_for(member, &plan.param_of, args, "format")
        else {
            return;
        };
        let Some(Value::String(text)) = &format.constant else {
            return;
        };
        let arguments = plan.expanded.then(|| args.len().saturating_sub(1));
        let Some(slip) = crate::library::composite_format_slip(text, arguments) else {
            return;
        };
        let help = if slip.starts_with("item") {
            "number the items from `{0}`, one per argument after the format"
        } else {
            "write `{{` and `}}` for a literal brace (a JSON body in a format doubles each of its braces), and close each item: `{0}`"
        };
        self.error(
            Code::ExpressionException,
            *span,
            &format!("this format throws `FormatException` in .net: {slip}"),
            help,
        );
    }

    fn best_plan<'m>(
        &mut self,
        candidates: &[&'m Member],
        receiver: Option<&Typed>,
        args: &[Arg<'_>],
        explicit: &[Type],
    ) -> Option<Plan<'m>> {
        let mut best: Option<Plan<'m>> = None;
        for member in candidates {
            if let Some(plan) = self.plan(member, receiver, args, explicit)
                && best.as_ref().is_none_or(|b| plan.score < b.score)
            {
                best = Some(plan);
            }
        }
        best
    }

    fn finish_call(
        &mut self,
        candidates: Vec<&Member>,
        receiver: Option<Typed>,
        args: Vec<Arg<'_>>,
        explicit: &[Type],
        span: Span,
        name: &str,
    ) -> Typed {
        let owner = self.call_owner.take();
        let Some(plan) = self.best_plan(&candidates, receiver.as_ref(), &args, explicit) else {
            let arg_types: Vec<String> = args
                .iter()
                .map(|a| match &a.form {
                    Form::Typed(t) => t.ty.to_string(),
                    Form::Lambda(_) => "lambda".to_owned(),
                    Form::MethodGroup(_) => "method group".to_owned(),
                    Form::OutDeclaration { .. } | Form::OutPlace(..) => "out …".to_owned(),
                })
                .collect();
            if args
                .iter()
                .any(|a| matches!(&a.form, Form::Typed(t) if t.ty.is_unknown()))
            {
                return Typed::error(span);
            }
            if self.overload_not_implemented(
                &candidates,
                receiver.as_ref(),
                owner,
                &args,
                name,
                span,
            ) {
                return Typed::error(span);
            }
            // Extension methods whose `this` the receiver is not are beside the point: an
            // `IDictionary<K, V>` is not the `IReadOnlyDictionary<K, V>` .NET's
            // `GetValueOrDefault` extends, whatever its arguments.
            let extends_receiver = |member: &&Member| {
                !member.is_extension
                    || receiver
                        .as_ref()
                        .is_none_or(|receiver| extends(member, &receiver.ty))
            };
            let fitting: Vec<&Member> = candidates
                .iter()
                .copied()
                .filter(extends_receiver)
                .collect();
            if let (true, Some(receiver)) = (fitting.is_empty(), &receiver) {
                let mut extended: Vec<String> = candidates
                    .iter()
                    .filter_map(|m| {
                        m.params.first().map(|this| {
                            format!(
                                "`{}`",
                                with_param_names(&this.ty.to_string(), &m.type_param_names)
                            )
                        })
                    })
                    .collect();
                extended.dedup();
                self.error(
                    Code::NoMatchingOverload,
                    span,
                    &format!("`{}` has no `{name}`", receiver.ty),
                    &format!(
                        "`{name}` is an extension of {}, and `{}` converts to none of them",
                        extended.join(", "),
                        receiver.ty
                    ),
                );
                return Typed::error(span);
            }
            let mut signatures: Vec<String> =
                fitting.iter().take(6).map(|m| describe(m, name)).collect();
            signatures.dedup();
            let shown = if name == ".ctor" {
                "the constructor".to_owned()
            } else if name == "this[]" {
                "the indexer".to_owned()
            } else {
                format!("`{name}`")
            };
            let what = if arg_types.is_empty() {
                "no arguments".to_owned()
            } else {
                format!("`({})`", arg_types.join(", "))
            };
            self.error(
                Code::NoMatchingOverload,
                span,
                &format!("no overload of {shown} takes {what}"),
                &format!("it takes: {}", signatures.join("; ")),
            );
            return Typed::error(span);
        };
        let member = plan.member;
        self.note_variable_read(member, &plan.bindings, &args, span);
        if owner
            .as_ref()
            .is_some_and(|owner| *owner == Type::Class(Class::Regex))
        {
            self.check_constant_pattern(member, &plan.param_of, &args);
        }
        let appends_format = name == "AppendFormat"
            && receiver
                .as_ref()
                .is_some_and(|r| r.ty == Type::Class(Class::StringBuilder));
        if appends_format || (name == "Format" && owner.as_ref() == Some(&Type::String)) {
            self.check_constant_format(member, &plan, &args);
        }
        if !member.is_extension {
            match (&receiver, &owner) {
                (Some(receiver), _) if name != "this[]" => {
                    let ty = receiver.ty.clone();
                    self.check_allowed_member(&ty, name, span);
                }
                (None, Some(owner)) => self.check_allowed_member(owner, name, span),
                _ => {}
            }
        }
        self.last_setter = member.setter;
        let bound = plan.bindings.clone();
        let params = &member.params;
        let first_param = usize::from(member.is_extension);
        let params_index = params
            .len()
            .checked_sub(1)
            .filter(|&i| params.get(i).is_some_and(|p| p.is_params));
        // Compile each parameter's value.
        let mut values: Vec<Option<Ir>> = (0..params.len()).map(|_| None).collect();
        let mut packed: Vec<Ir> = Vec::new();
        let mut outs = Vec::new();
        for (arg, index) in args.into_iter().zip(plan.param_of.iter().copied()) {
            let Some(param) = params.get(index) else {
                continue;
            };
            let in_params = Some(index) == params_index && plan.expanded;
            let target = if in_params {
                match &param.ty {
                    Type::Array(element) => substitute(element, &bound),
                    other => substitute(other, &bound),
                }
            } else {
                substitute(&param.ty, &bound)
            };
            let ir = match arg.form {
                Form::Typed(typed) => self.convert(typed, &target),
                Form::Lambda(lambda) => {
                    let typed = self.expr(lambda, Some(&target));
                    typed.ir
                }
                Form::MethodGroup(group) => {
                    let arity = match &target {
                        Type::Func(params, _) => params.len(),
                        _ => 0,
                    };
                    let typed = self.expr(&method_group_lambda(group, arity), Some(&target));
                    typed.ir
                }
                // A discard (`out _`, `out var _`) receives the value and keeps nothing.
                Form::OutDeclaration { name: "_", .. } => Ir::Const(Value::Null),
                Form::OutDeclaration { ty, name, span: at } => {
                    let local = self.declare(name, ty.unwrap_or_else(|| target.clone()), at, false);
                    outs.push((index, Place::Local(local)));
                    Ir::Const(Value::Null)
                }
                Form::OutPlace(place, _) => {
                    match &place.kind {
                        ExprKind::Name { name, .. } => match self.lookup(&name.name) {
                            Some((local, _)) => outs.push((index, Place::Local(local))),
                            None => {
                                self.expr(place, None);
                            }
                        },
                        _ => self.error(
                            Code::NotImplemented,
                            arg.span,
                            "gatehouse implements `out` only for local variables",
                            "",
                        ),
                    }
                    Ir::Const(Value::Null)
                }
            };
            if in_params {
                packed.push(ir);
            } else if let Some(slot) = values.get_mut(index) {
                *slot = Some(ir);
            }
        }
        let mut compiled_args = Vec::new();
        for (index, param) in params.iter().enumerate().skip(first_param) {
            if Some(index) == params_index
                && (plan.expanded || values.get(index).is_some_and(Option::is_none))
            {
                let element = match &param.ty {
                    Type::Array(element) => substitute(element, &bound),
                    other => substitute(other, &bound),
                };
                compiled_args.push(Ir::ArrayOf {
                    element,
                    items: std::mem::take(&mut packed),
                });
                continue;
            }
            let value = values.get_mut(index).and_then(Option::take);
            compiled_args.push(match value {
                Some(ir) => ir,
                None => Ir::Const(param.default.clone().unwrap_or(Value::Null)),
            });
        }
        // Out positions are relative to the compiled argument list.
        let outs: Vec<(usize, Place)> = outs
            .into_iter()
            .map(|(index, place)| (index - first_param, place))
            .collect();
        let result = substitute(&member.result, &bound);
        let (target, null_receiver_throws) = match (receiver, member.is_extension, member.is_static)
        {
            (Some(receiver), true, _) => {
                compiled_args.insert(0, receiver.ir);
                (None, false)
            }
            // Members of `Nullable<T>` work on null (`HasValue`); other instance members throw.
            (Some(receiver), false, false) => {
                let throws = !matches!(receiver.ty, Type::Nullable(_));
                (Some(Box::new(receiver.ir)), throws)
            }
            _ => (None, false),
        };
        let outs: Vec<(usize, Place)> = if member.is_extension {
            outs.into_iter()
                .map(|(i, p): (usize, Place)| (i + 1, p))
                .collect()
        } else {
            outs
        };
        // `context.Request.Headers.GetValueOrDefault(…)`, the commonest expression there is,
        // looks the header up without building the dictionary object first.
        if member.name == "GetValueOrDefault"
            && member.params.first().is_some_and(|p| {
                p.ty == Type::Generic(
                    Generic::IReadOnlyDictionary,
                    vec![Type::String, Type::array(Type::String)],
                )
            })
            && let Some(Ir::Native {
                name: part @ ("Request.Headers" | "Response.Headers"),
                target: None,
                ..
            }) = compiled_args.first()
            && let Some(fused) = crate::library::fused_header_lookup(part)
        {
            compiled_args.remove(0);
            return Typed::new(
                Ir::Native {
                    func: fused,
                    name: member.name,
                    target: None,
                    args: compiled_args,
                    type_args: Vec::new(),
                    outs: Vec::new(),
                    null_receiver_throws: false,
                    span,
                },
                result,
                span,
            );
        }
        Typed::new(
            Ir::Native {
                func: member.func,
                name: member.name,
                target,
                args: compiled_args,
                type_args: bound,
                outs,
                null_receiver_throws,
                span,
            },
            result,
            span,
        )
    }
}

/// The argument a call passes for the parameter named `name`.
fn argument_for<'a, 'b>(
    member: &Member,
    param_of: &[usize],
    args: &'a [Arg<'b>],
    name: &str,
) -> Option<&'a Arg<'b>> {
    args.iter()
        .zip(param_of)
        .find(|(_, index)| {
            member
                .params
                .get(**index)
                .is_some_and(|param| param.name == name)
        })
        .map(|(arg, _)| arg)
}

/// How to write what a refused pattern meant.
fn pattern_help(refusal: &str) -> &'static str {
    if refusal.contains(")'s") {
        "close each group with `)`, or escape a literal parenthesis as `\\(` or `\\)`"
    } else if refusal.starts_with("unrecognized escape") {
        "escape only what is special: a letter after `\\` must be a known escape (`\\d`, `\\w`, `\\s` …); for the letter itself drop the `\\`, and in a non-verbatim string write `\\\\` for one backslash"
    } else if refusal.starts_with("quantifier") {
        "a `*`, `+`, `?` or `{n}` repeats what comes before it; for the character itself escape it: `\\*`, `\\+`, `\\?`"
    } else if refusal.starts_with("nested quantifier") {
        "one quantifier per item (`a*`, lazy `a*?`); to repeat a repetition, group it: `(a*)+`"
    } else if refusal.starts_with("unrecognized grouping") {
        "groups are `(…)`, `(?:…)`, `(?<name>…)`, lookaround `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`; `(?P<name>…)` is Python's, not .NET's"
    } else if refusal.starts_with("reference to undefined") {
        "refer only to groups the pattern has: `\\1` is the first `(…)`, `\\k<name>` a `(?<name>…)`"
    } else if refusal.contains("[] set") || refusal.contains("range") {
        "close the class with `]`, escape a literal `[` as `\\[`, and write ranges low to high: `[a-z]`"
    } else {
        "fix the pattern so that .NET's `Regex` accepts it (the docs of System.Text.RegularExpressions list the syntax)"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_parameters_get_their_signature_names() {
        let names = ["K".to_owned(), "V".to_owned()];
        assert_eq!(
            super::with_param_names("IReadOnlyDictionary<T0, T1>", &names),
            "IReadOnlyDictionary<K, V>"
        );
        // Only whole `T<n>` words with a name change.
        assert_eq!(
            super::with_param_names("Func<T0, T2, Tuple, AT1, T1x>", &names),
            "Func<K, T2, Tuple, AT1, T1x>"
        );
    }
}
