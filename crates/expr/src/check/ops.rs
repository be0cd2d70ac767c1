//! Conversions and the built-in operators, chosen from static types as C# chooses them.

use gatehouse_diagnostics::{Code, Span};
use gatehouse_expr_syntax::ast::{BinaryOp, UnaryOp};

use super::{Compiler, Typed};
use crate::ir::{self, BinOp, Ir, Operand, UnOp};
use crate::types::{self, Class, Conversion, Type};
use crate::value::Value;

/// The operand kind a value of `ty` is operated on as.
pub(super) fn operand_of(ty: &Type) -> Option<Operand> {
    Some(match ty {
        Type::Int32 => Operand::I32,
        Type::UInt32 => Operand::U32,
        Type::Int64 => Operand::I64,
        Type::UInt64 => Operand::U64,
        Type::Single => Operand::F32,
        Type::Double => Operand::F64,
        Type::Decimal => Operand::Dec,
        Type::Bool => Operand::Bool,
        Type::String => Operand::Str,
        Type::Char => Operand::Char,
        Type::Class(Class::DateTime) => Operand::DateTime,
        Type::Class(Class::DateTimeOffset) => Operand::DateTimeOffset,
        Type::Class(Class::TimeSpan) => Operand::TimeSpan,
        Type::Class(Class::Guid) => Operand::Guid,
        Type::Enum(_) => Operand::Enum,
        _ => return None,
    })
}

fn bin_op(op: BinaryOp) -> BinOp {
    match op {
        BinaryOp::Mul => BinOp::Mul,
        BinaryOp::Div => BinOp::Div,
        BinaryOp::Rem => BinOp::Rem,
        BinaryOp::Add => BinOp::Add,
        BinaryOp::Sub => BinOp::Sub,
        BinaryOp::Shl => BinOp::Shl,
        BinaryOp::Shr => BinOp::Shr,
        BinaryOp::Lt => BinOp::Lt,
        BinaryOp::Gt => BinOp::Gt,
        BinaryOp::Le => BinOp::Le,
        BinaryOp::Ge => BinOp::Ge,
        BinaryOp::Eq => BinOp::Eq,
        BinaryOp::Ne => BinOp::Ne,
        BinaryOp::BitAnd | BinaryOp::And => BinOp::BitAnd,
        BinaryOp::BitXor => BinOp::BitXor,
        BinaryOp::BitOr | BinaryOp::Or | BinaryOp::Coalesce => BinOp::BitOr,
    }
}

fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Lt | BinaryOp::Gt | BinaryOp::Le | BinaryOp::Ge | BinaryOp::Eq | BinaryOp::Ne
    )
}

/// C#'s implicit constant conversions (6.1.9): an `int` constant to a smaller or unsigned
/// integer type it fits, a `long` constant to `ulong` when it is not negative.
pub(super) fn constant_conversion(from: &Type, value: i128, to: &Type) -> Option<Value> {
    let allowed = match from {
        Type::Int32 => matches!(
            to,
            Type::SByte | Type::Byte | Type::Int16 | Type::UInt16 | Type::UInt32 | Type::UInt64
        ),
        Type::Int64 => *to == Type::UInt64,
        _ => false,
    };
    if allowed {
        crate::eval::integer_value(value, to)
    } else {
        None
    }
}

/// An integer constant's value, for implicit constant conversions.
fn integer_constant(value: &Value) -> Option<i128> {
    Some(match value {
        Value::Int32(v) => i128::from(*v),
        Value::UInt32(v) => i128::from(*v),
        Value::Int64(v) => i128::from(*v),
        Value::UInt64(v) => i128::from(*v),
        _ => return None,
    })
}

impl Compiler {
    /// Converts implicitly, or reports that C# would not.
    pub(super) fn convert(&mut self, typed: Typed, to: &Type) -> Ir {
        if typed.ty == *to || to.is_unknown() || typed.ty.is_unknown() {
            return typed.ir;
        }
        // An integer constant converts to a smaller integer type where it fits (C# 6.1.9).
        if let Some(constant) = typed.constant.as_ref().and_then(integer_constant)
            && let Some(value) = constant_conversion(&typed.ty, constant, to.underlying())
        {
            return Ir::Const(value);
        }
        match types::implicit(&typed.ty, to) {
            Some(conversion) => self.conversion_ir(&typed.ty, to, conversion, typed.ir, typed.span),
            None => {
                let help = if types::explicit(&typed.ty, to).is_some() {
                    format!("cast explicitly: `({to})value`")
                } else {
                    format!("C# has no conversion from `{}` to `{to}`", typed.ty)
                };
                self.error(
                    Code::InvalidConversion,
                    typed.span,
                    &format!("cannot convert `{}` to `{to}` implicitly", typed.ty),
                    &help,
                );
                typed.ir
            }
        }
    }

    pub(super) fn conversion_ir(
        &mut self,
        from: &Type,
        to: &Type,
        conversion: Conversion,
        value: Ir,
        span: Span,
    ) -> Ir {
        let op = match conversion {
            Conversion::Identity
            | Conversion::Boxing
            | Conversion::Upcast
            | Conversion::Sequence
            | Conversion::NullLiteral => return value,
            Conversion::WrapNullable => {
                let inner = to.underlying();
                if from == inner || *from == Type::Null {
                    return value;
                }
                return match types::implicit(from, inner) {
                    Some(inner_conversion) => {
                        self.conversion_ir(from, inner, inner_conversion, value, span)
                    }
                    None => value,
                };
            }
            Conversion::Numeric(target) => ir::Convert::Numeric {
                to: target,
                checked: self.checked,
            },
            Conversion::Unbox(target) => ir::Convert::Unbox(target),
            Conversion::Downcast(target) => ir::Convert::Downcast(target),
            Conversion::UnwrapNullable => {
                let unwrapped = Ir::Convert {
                    op: ir::Convert::UnwrapNullable,
                    value: Box::new(value),
                    span,
                };
                let inner = from.underlying().clone();
                if inner == *to {
                    return unwrapped;
                }
                return match types::explicit(&inner, to) {
                    Some(rest) => self.conversion_ir(&inner, to, rest, unwrapped, span),
                    None => unwrapped,
                };
            }
            Conversion::ToJToken => ir::Convert::ToJToken,
            Conversion::FromJToken(target) => ir::Convert::FromJToken(target),
            Conversion::EnumInteger(target) => ir::Convert::EnumInteger(target),
            Conversion::DateToOffset => ir::Convert::DateToOffset,
            Conversion::ToXmlName(class) => ir::Convert::ToXmlName(class),
        };
        Ir::Convert {
            op,
            value: Box::new(value),
            span,
        }
    }

    /// `(to)typed`.
    pub(super) fn cast(&mut self, typed: Typed, to: &Type, span: Span) -> Typed {
        if typed.ty.is_unknown() || to.is_unknown() {
            return Typed::new(typed.ir, to.clone(), span);
        }
        // A cast of a numeric constant is a constant, checked at compile time (CS0221).
        if let Some(constant) = typed.constant.as_ref()
            && constant.runtime_type().is_numeric()
            && to.is_numeric()
        {
            match crate::eval::numeric_convert(constant, to, !self.unchecked, span) {
                Ok(value) => {
                    let mut result = Typed::new(Ir::Const(value.clone()), to.clone(), span);
                    result.constant = Some(value);
                    return result;
                }
                Err(_) => {
                    self.error(
                        Code::ConstantOverflow,
                        span,
                        &format!(
                            "constant value `{}` cannot be converted to `{to}`",
                            crate::library::to_display_string(constant)
                        ),
                        "use `unchecked(…)` if wrapping around is intended",
                    );
                    return Typed::error(span);
                }
            }
        }
        if let Ir::Native {
            name: "Variables[]",
            args,
            ..
        } = &typed.ir
            && let [Ir::Const(Value::String(variable))] = args.as_slice()
        {
            self.variable_reads.push(super::VariableRead {
                name: variable.to_string(),
                ty: to.clone(),
                span,
            });
        }
        if matches!(typed.ty, Type::Class(Class::XElement | Class::XAttribute))
            && crate::library::is_xml_value_target(to)
        {
            return self.xml_value_cast(typed, to, span);
        }
        match types::explicit(&typed.ty, to) {
            Some(conversion) => {
                let from = typed.ty.clone();
                let ir = self.conversion_ir(&from, to, conversion, typed.ir, span);
                Typed::new(ir, to.clone(), span)
            }
            None => {
                self.error(
                    Code::InvalidConversion,
                    span,
                    &format!("cannot cast `{}` to `{to}`", typed.ty),
                    "C# has no conversion between these types; convert through text or a method such as `int.Parse`",
                );
                Typed::error(span)
            }
        }
    }

    /// LINQ to XML's explicit operators, `(string)element` or `(int?)attribute`: user-defined
    /// in .NET, so a call here rather than a built-in conversion.
    fn xml_value_cast(&mut self, typed: Typed, to: &Type, span: Span) -> Typed {
        Typed::new(
            Ir::Native {
                func: crate::library::xml_value_cast,
                name: "op_Explicit",
                target: Some(Box::new(typed.ir)),
                args: Vec::new(),
                type_args: vec![to.clone()],
                outs: Vec::new(),
                null_receiver_throws: false,
                span,
            },
            to.clone(),
            span,
        )
    }

    /// The run-time conversion for an explicit conversion between static types (`foreach`).
    pub(super) fn explicit_conversion(
        &mut self,
        from: &Type,
        to: &Type,
        span: Span,
    ) -> Option<ir::Convert> {
        if from == to || from.is_unknown() || to.is_unknown() {
            return None;
        }
        match types::explicit(from, to) {
            Some(conversion) => {
                match self.conversion_ir(from, to, conversion, Ir::Const(Value::Null), span) {
                    Ir::Convert { op, .. } => Some(op),
                    _ => None,
                }
            }
            None => {
                self.error(
                    Code::InvalidConversion,
                    span,
                    &format!("cannot convert `{from}` to `{to}`"),
                    "declare the loop variable with `var`",
                );
                None
            }
        }
    }

    fn operator_error(&mut self, op: &str, left: &Type, right: &Type, span: Span) -> Typed {
        let strings = Type::Array(Box::new(Type::String));
        let help = if *left == Type::Object || *right == Type::Object {
            "cast the `object` operand first, e.g. `(int)context.Variables[\"n\"]`".to_owned()
        } else if (*left == strings && *right == Type::String)
            || (*left == Type::String && *right == strings)
        {
            // `context.Request.Headers["x-priority"] == "high"`: the indexer gives every value.
            "a `string[]` holds all of a header's or parameter's values; compare one string: `context.Request.Headers.GetValueOrDefault(\"name\", \"\")` gives them joined by commas".to_owned()
        } else {
            format!("`{op}` is not defined for these types")
        };
        self.error(
            Code::InvalidOperator,
            span,
            &format!("operator `{op}` cannot be applied to `{left}` and `{right}`"),
            &help,
        );
        Typed::error(span)
    }

    fn unary_operator_error(&mut self, op: &str, operand: &Type, span: Span) -> Typed {
        let help = match (operand, op) {
            (Type::Object, "!") => {
                "cast the `object` operand first, e.g. `!(bool)context.Variables[\"flag\"]`"
                    .to_owned()
            }
            (Type::Object, _) => {
                format!("cast the `object` operand first, e.g. `{op}(int)context.Variables[\"n\"]`")
            }
            _ => format!("`{op}` is not defined for `{operand}`"),
        };
        self.error(
            Code::InvalidOperator,
            span,
            &format!("operator `{op}` cannot be applied to an operand of type `{operand}`"),
            &help,
        );
        Typed::error(span)
    }

    /// `left op right` for every binary operator except `&&`, `||` and `??`.
    pub(super) fn binary(&mut self, op: BinaryOp, left: Typed, right: Typed, span: Span) -> Typed {
        if left.ty.is_unknown() || right.ty.is_unknown() {
            return Typed::new(
                Ir::Const(Value::Null),
                if is_comparison(op) {
                    Type::Bool
                } else {
                    Type::Unknown
                },
                span,
            );
        }
        let (lt, rt) = (left.ty.clone(), right.ty.clone());
        // LINQ to XML's `XNamespace + string` (a user-defined operator, so it wins over string
        // concatenation): the name in that namespace.
        if op == BinaryOp::Add
            && lt == Type::Class(Class::XNamespace)
            && matches!(rt, Type::String | Type::Null)
        {
            return Typed::new(
                Ir::Native {
                    func: crate::library::namespace_plus,
                    name: "op_Addition",
                    target: Some(Box::new(left.ir)),
                    args: vec![right.ir],
                    type_args: Vec::new(),
                    outs: Vec::new(),
                    null_receiver_throws: false,
                    span,
                },
                Type::Class(Class::XName),
                span,
            );
        }
        // String concatenation: either side a string.
        if op == BinaryOp::Add && (lt == Type::String || rt == Type::String) {
            if lt == Type::Void || rt == Type::Void {
                return self.operator_error("+", &lt, &rt, span);
            }
            let mut parts = Vec::new();
            for part in [left.ir, right.ir] {
                match part {
                    Ir::Concat(inner) => parts.extend(inner),
                    other => parts.push(other),
                }
            }
            return Typed::new(Ir::Concat(parts), Type::String, span);
        }
        // Dates and times.
        if let Some((operand, result, date_op)) = date_arithmetic(op, &lt, &rt) {
            return Typed::new(
                Ir::Binary {
                    op: date_op,
                    operand,
                    left: Box::new(left.ir),
                    right: Box::new(right.ir),
                    checked: false,
                    span,
                },
                result,
                span,
            );
        }
        let date = |t: &Type| {
            matches!(
                t.underlying(),
                Type::Class(Class::DateTime | Class::DateTimeOffset | Class::TimeSpan)
            )
        };
        if date(&lt) || date(&rt) {
            if lt.underlying() == rt.underlying()
                && matches!(
                    op,
                    BinaryOp::Eq
                        | BinaryOp::Ne
                        | BinaryOp::Lt
                        | BinaryOp::Gt
                        | BinaryOp::Le
                        | BinaryOp::Ge
                )
            {
                let operand = operand_of(lt.underlying()).unwrap_or(Operand::Ref);
                return self.typed_binary(op, operand, left, right, lt.underlying().clone(), span);
            }
            if (lt == Type::Null || rt == Type::Null) && matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
                return self.lifted_null_compare(op, left, right, span);
            }
            return self.operator_error(op.symbol(), &lt, &rt, span);
        }
        // Equality.
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            return self.equality(op, left, right, span);
        }
        // Booleans: & | ^ (non-short-circuit).
        if lt == Type::Bool
            && rt == Type::Bool
            && matches!(op, BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor)
        {
            return self.typed_binary(op, Operand::Bool, left, right, Type::Bool, span);
        }
        // Enums: & | ^ and comparisons.
        if let (Type::Enum(a), Type::Enum(b)) = (&lt, &rt)
            && a == b
        {
            let result = if is_comparison(op) {
                Type::Bool
            } else {
                lt.clone()
            };
            // `RegexOptions.IgnoreCase | RegexOptions.Multiline` is a constant, as in C#: the
            // checks of constant arguments (a regex pattern's options) can read it.
            let folded = match (&left.constant, &right.constant) {
                (Some(Value::Enum(kind, a)), Some(Value::Enum(_, b))) => match op {
                    BinaryOp::BitAnd => Some(Value::Enum(*kind, a & b)),
                    BinaryOp::BitOr => Some(Value::Enum(*kind, a | b)),
                    BinaryOp::BitXor => Some(Value::Enum(*kind, a ^ b)),
                    _ => None,
                },
                _ => None,
            };
            if matches!(
                op,
                BinaryOp::BitAnd
                    | BinaryOp::BitOr
                    | BinaryOp::BitXor
                    | BinaryOp::Lt
                    | BinaryOp::Gt
                    | BinaryOp::Le
                    | BinaryOp::Ge
            ) {
                let mut typed = self.typed_binary(op, Operand::Enum, left, right, result, span);
                if let Some(constant) = folded {
                    typed.ir = Ir::Const(constant.clone());
                    typed.constant = Some(constant);
                }
                return typed;
            }
        }
        // Shifts: the left operand promotes alone, the count is an int.
        if matches!(op, BinaryOp::Shl | BinaryOp::Shr) {
            let promoted = match types::promote(&lt, &lt) {
                Some(t)
                    if t.is_integral()
                        || matches!(t, Type::Int32 | Type::UInt32 | Type::Int64 | Type::UInt64) =>
                {
                    t
                }
                _ => return self.operator_error(op.symbol(), &lt, &rt, span),
            };
            if !rt.underlying().is_integral()
                || types::implicit(rt.underlying(), &Type::Int32).is_none()
            {
                return self.operator_error(op.symbol(), &lt, &rt, span);
            }
            let operand = operand_of(&promoted).unwrap_or(Operand::I32);
            let left_ir = self.convert(left, &promoted);
            let right_ir = self.convert(right, &Type::Int32);
            return Typed::new(
                Ir::Binary {
                    op: bin_op(op),
                    operand,
                    left: Box::new(left_ir),
                    right: Box::new(right_ir),
                    checked: self.checked,
                    span,
                },
                promoted,
                span,
            );
        }
        // Numbers, possibly nullable (lifted).
        let lifted = matches!(lt, Type::Nullable(_)) || matches!(rt, Type::Nullable(_));
        let Some(promoted) = types::promote(&lt, &rt) else {
            return self.operator_error(op.symbol(), &lt, &rt, span);
        };
        if matches!(op, BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor)
            && !promoted.is_integral()
        {
            return self.operator_error(op.symbol(), &lt, &rt, span);
        }
        let operand = operand_of(&promoted).unwrap_or(Operand::I32);
        let result = if is_comparison(op) {
            Type::Bool
        } else {
            promoted.clone()
        };
        if lifted {
            let target = Type::nullable(promoted.clone());
            let left_ir = self.convert(left, &target);
            let right_ir = self.convert(right, &target);
            let result = if is_comparison(op) {
                Type::Bool
            } else {
                Type::nullable(result)
            };
            return Typed::new(
                Ir::Lifted {
                    op: bin_op(op),
                    operand,
                    left: Box::new(left_ir),
                    right: Box::new(right_ir),
                    checked: self.checked,
                    span,
                },
                result,
                span,
            );
        }
        let folded = fold(
            op,
            operand,
            left.constant.as_ref(),
            right.constant.as_ref(),
            &promoted,
            self.unchecked,
            span,
        );
        let mut typed =
            self.typed_binary_converted(op, operand, left, right, &promoted, result, span);
        match folded {
            Fold::Value(constant) => {
                typed.ir = Ir::Const(constant.clone());
                typed.constant = Some(constant);
            }
            Fold::Overflow => self.error(
                Code::ConstantOverflow,
                span,
                &format!("the operation overflows `{promoted}` at compile time"),
                "use a wider type, or `unchecked(…)` if wrapping around is intended",
            ),
            Fold::DivideByZero => self.error(
                Code::ConstantOverflow,
                span,
                "division by constant zero",
                "divide by something other than zero",
            ),
            Fold::NotConstant => {}
        }
        typed
    }

    fn typed_binary(
        &mut self,
        op: BinaryOp,
        operand: Operand,
        left: Typed,
        right: Typed,
        result: Type,
        span: Span,
    ) -> Typed {
        Typed::new(
            Ir::Binary {
                op: bin_op(op),
                operand,
                left: Box::new(left.ir),
                right: Box::new(right.ir),
                checked: self.checked,
                span,
            },
            if is_comparison(op) {
                Type::Bool
            } else {
                result
            },
            span,
        )
    }

    #[allow(
        clippy::too_many_arguments,
        reason = "one place builds every converted binary operation"
    )]
    fn typed_binary_converted(
        &mut self,
        op: BinaryOp,
        operand: Operand,
        left: Typed,
        right: Typed,
        to: &Type,
        result: Type,
        span: Span,
    ) -> Typed {
        let left_ir = self.convert(left, to);
        let right_ir = self.convert(right, to);
        Typed::new(
            Ir::Binary {
                op: bin_op(op),
                operand,
                left: Box::new(left_ir),
                right: Box::new(right_ir),
                checked: self.checked,
                span,
            },
            result,
            span,
        )
    }

    fn lifted_null_compare(
        &mut self,
        op: BinaryOp,
        left: Typed,
        right: Typed,
        span: Span,
    ) -> Typed {
        let operand = operand_of(left.ty.underlying())
            .or_else(|| operand_of(right.ty.underlying()))
            .unwrap_or(Operand::Ref);
        Typed::new(
            Ir::Lifted {
                op: bin_op(op),
                operand,
                left: Box::new(left.ir),
                right: Box::new(right.ir),
                checked: false,
                span,
            },
            Type::Bool,
            span,
        )
    }

    fn equality(&mut self, op: BinaryOp, left: Typed, right: Typed, span: Span) -> Typed {
        let (lt, rt) = (left.ty.clone(), right.ty.clone());
        // Nullable value types: lifted, null equal to null.
        let nullable_value = |t: &Type| matches!(t, Type::Nullable(_));
        if nullable_value(&lt)
            || nullable_value(&rt)
            || (lt == Type::Null && rt.is_value_type())
            || (rt == Type::Null && lt.is_value_type())
        {
            let never_null = match (&lt, &rt) {
                (Type::Null, other) | (other, Type::Null) if !nullable_value(other) => Some(other),
                _ => None,
            };
            if let Some(value_type) = never_null {
                let always = op == BinaryOp::Ne;
                self.report(
                    Code::ValueNeverNull,
                    span,
                    &format!(
                        "`{value_type}` is never null: this `{}` is always {always}",
                        op.symbol()
                    ),
                    "test the value itself, or compare something that can be null",
                );
            }
            let inner_l = lt.underlying().clone();
            let inner_r = rt.underlying().clone();
            let target = if inner_l == Type::Null {
                inner_r.clone()
            } else if inner_r == Type::Null {
                inner_l.clone()
            } else {
                match types::promote(&inner_l, &inner_r) {
                    Some(p) => p,
                    None if inner_l == inner_r => inner_l.clone(),
                    None => return self.operator_error(op.symbol(), &lt, &rt, span),
                }
            };
            let operand = operand_of(&target).unwrap_or(Operand::Ref);
            let nullable = Type::nullable(target);
            let left_ir = self.convert(left, &nullable);
            let right_ir = self.convert(right, &nullable);
            return Typed::new(
                Ir::Lifted {
                    op: bin_op(op),
                    operand,
                    left: Box::new(left_ir),
                    right: Box::new(right_ir),
                    checked: false,
                    span,
                },
                Type::Bool,
                span,
            );
        }
        // Numbers and chars compare by value after promotion.
        if let Some(promoted) = types::promote(&lt, &rt) {
            let operand = operand_of(&promoted).unwrap_or(Operand::I32);
            return self.typed_binary_converted(
                op,
                operand,
                left,
                right,
                &promoted,
                Type::Bool,
                span,
            );
        }
        // `XName` and `XNamespace` have `==` operators, and strings convert to them: atomized,
        // so equal names are equal references.
        let xml_name = |t: &Type| matches!(t, Type::Class(Class::XName | Class::XNamespace));
        let target = if xml_name(&lt) { &lt } else { &rt };
        if xml_name(target)
            && types::implicit(&lt, target).is_some()
            && types::implicit(&rt, target).is_some()
        {
            let target = target.clone();
            return self.typed_binary_converted(
                op,
                Operand::Ref,
                left,
                right,
                &target,
                Type::Bool,
                span,
            );
        }
        // Strings by value when both are strings (or null).
        let stringish = |t: &Type| matches!(t, Type::String | Type::Null);
        if stringish(&lt) && stringish(&rt) {
            return self.typed_binary(op, Operand::Str, left, right, Type::Bool, span);
        }
        if lt == Type::Bool && rt == Type::Bool {
            return self.typed_binary(op, Operand::Bool, left, right, Type::Bool, span);
        }
        if let (Type::Enum(a), Type::Enum(b)) = (&lt, &rt)
            && a == b
        {
            return self.typed_binary(op, Operand::Enum, left, right, Type::Bool, span);
        }
        if lt == Type::Class(Class::Guid) && rt == Type::Class(Class::Guid) {
            return self.typed_binary(op, Operand::Guid, left, right, Type::Bool, span);
        }
        // References: identity. C# allows it when one side converts to the other.
        let reference = |t: &Type| !t.is_value_type() && *t != Type::Void;
        if reference(&lt) && reference(&rt) {
            let related =
                types::implicit(&lt, &rt).is_some() || types::implicit(&rt, &lt).is_some();
            if !related {
                return self.operator_error(op.symbol(), &lt, &rt, span);
            }
            if (lt == Type::String && rt != Type::String && rt != Type::Null)
                || (rt == Type::String && lt != Type::String && lt != Type::Null)
            {
                let other = if lt == Type::String { &rt } else { &lt };
                self.report(
                    Code::ReferenceComparison,
                    span,
                    &format!(
                        "`{}` between `{other}` and `string` compares references, not text",
                        op.symbol()
                    ),
                    &format!("cast the `{other}` side to `string` to compare text"),
                );
            }
            return self.typed_binary(op, Operand::Ref, left, right, Type::Bool, span);
        }
        self.operator_error(op.symbol(), &lt, &rt, span)
    }

    pub(super) fn unary(&mut self, op: UnaryOp, operand: Typed, span: Span) -> Typed {
        let ty = operand.ty.clone();
        if ty.is_unknown() {
            return Typed::new(operand.ir, Type::Unknown, span);
        }
        match op {
            UnaryOp::Not => {
                if ty != Type::Bool {
                    return self.unary_operator_error("!", &ty, span);
                }
                let constant = match operand.constant {
                    Some(Value::Bool(b)) => Some(Value::Bool(!b)),
                    _ => None,
                };
                let mut typed = Typed::new(
                    Ir::Unary {
                        op: UnOp::Not,
                        operand: Operand::Bool,
                        value: Box::new(operand.ir),
                        checked: false,
                        span,
                    },
                    Type::Bool,
                    span,
                );
                typed.constant = constant;
                typed
            }
            UnaryOp::Negate | UnaryOp::Plus => {
                if ty == Type::Class(Class::TimeSpan) && op == UnaryOp::Negate {
                    return Typed::new(
                        Ir::Unary {
                            op: UnOp::Negate,
                            operand: Operand::TimeSpan,
                            value: Box::new(operand.ir),
                            checked: self.checked,
                            span,
                        },
                        ty,
                        span,
                    );
                }
                let promoted = match &ty {
                    Type::UInt32 if op == UnaryOp::Negate => Some(Type::Int64),
                    Type::UInt64 if op == UnaryOp::Negate => {
                        // `-9223372036854775808` is a long literal in C#.
                        if let Some(Value::UInt64(9_223_372_036_854_775_808)) = operand.constant {
                            let mut typed =
                                Typed::new(Ir::Const(Value::Int64(i64::MIN)), Type::Int64, span);
                            typed.constant = Some(Value::Int64(i64::MIN));
                            return typed;
                        }
                        None
                    }
                    other => types::promote(other, other),
                };
                let Some(promoted) = promoted else {
                    let symbol = if op == UnaryOp::Negate { "-" } else { "+" };
                    return self.unary_operator_error(symbol, &ty, span);
                };
                if op == UnaryOp::Plus {
                    let constant = operand.constant.clone();
                    let ir = self.convert(operand, &promoted);
                    let mut typed = Typed::new(ir, promoted, span);
                    typed.constant = constant;
                    return typed;
                }
                let constant = operand
                    .constant
                    .as_ref()
                    .and_then(|c| negate_constant(c, &promoted));
                // `-2147483648` is an `int`.
                if let (Some(Value::UInt32(2_147_483_648)), Type::Int64) =
                    (&operand.constant, &promoted)
                {
                    let mut typed =
                        Typed::new(Ir::Const(Value::Int32(i32::MIN)), Type::Int32, span);
                    typed.constant = Some(Value::Int32(i32::MIN));
                    return typed;
                }
                let operand_kind = operand_of(&promoted).unwrap_or(Operand::I32);
                let ir = self.convert(operand, &promoted);
                let mut typed = Typed::new(
                    Ir::Unary {
                        op: UnOp::Negate,
                        operand: operand_kind,
                        value: Box::new(ir),
                        checked: self.checked,
                        span,
                    },
                    promoted,
                    span,
                );
                if let Some(constant) = constant {
                    typed.ir = Ir::Const(constant.clone());
                    typed.constant = Some(constant);
                }
                typed
            }
            UnaryOp::Complement => {
                let promoted = match &ty {
                    Type::Enum(_) => ty.clone(),
                    other => match types::promote(other, other) {
                        Some(p)
                            if p.is_integral()
                                || matches!(
                                    p,
                                    Type::Int32 | Type::UInt32 | Type::Int64 | Type::UInt64
                                ) =>
                        {
                            p
                        }
                        _ => return self.unary_operator_error("~", &ty, span),
                    },
                };
                let operand_kind = operand_of(&promoted).unwrap_or(Operand::I32);
                let ir = self.convert(operand, &promoted);
                Typed::new(
                    Ir::Unary {
                        op: UnOp::Complement,
                        operand: operand_kind,
                        value: Box::new(ir),
                        checked: false,
                        span,
                    },
                    promoted,
                    span,
                )
            }
            UnaryOp::PreIncrement
            | UnaryOp::PreDecrement
            | UnaryOp::PostIncrement
            | UnaryOp::PostDecrement => {
                // Handled where places are known.
                Typed::error(span)
            }
        }
    }
}

/// `DateTime - DateTime` → `TimeSpan`, `DateTime ± TimeSpan` → `DateTime`, and so on.
fn date_arithmetic(op: BinaryOp, lt: &Type, rt: &Type) -> Option<(Operand, Type, BinOp)> {
    let dt = Type::Class(Class::DateTime);
    let dto = Type::Class(Class::DateTimeOffset);
    let ts = Type::Class(Class::TimeSpan);
    Some(match op {
        BinaryOp::Sub if *lt == dt && *rt == dt => (Operand::DateTime, ts, BinOp::DateDiff),
        BinaryOp::Sub if *lt == dto && *rt == dto => (Operand::DateTimeOffset, ts, BinOp::DateDiff),
        BinaryOp::Add | BinaryOp::Sub if *lt == dt && *rt == ts => {
            (Operand::DateTime, dt, bin_op(op))
        }
        BinaryOp::Add | BinaryOp::Sub if *lt == dto && *rt == ts => {
            (Operand::DateTimeOffset, dto, bin_op(op))
        }
        BinaryOp::Add | BinaryOp::Sub if *lt == ts && *rt == ts => {
            (Operand::TimeSpan, ts, bin_op(op))
        }
        _ => return None,
    })
}

fn negate_constant(value: &Value, to: &Type) -> Option<Value> {
    let widened = crate::eval::convert_constant_unchecked(value, to)?;
    Some(match widened {
        Value::Int32(v) => Value::Int32(v.checked_neg()?),
        Value::Int64(v) => Value::Int64(v.checked_neg()?),
        Value::Single(v) => Value::Single(-v),
        Value::Double(v) => Value::Double(-v),
        Value::Decimal(v) => Value::Decimal(-v),
        _ => return None,
    })
}

/// The outcome of evaluating an operator on constants at compile time.
enum Fold {
    NotConstant,
    Value(Value),
    /// C# rejects the expression (outside `unchecked`).
    Overflow,
    DivideByZero,
}

/// Evaluates a numeric operator on two constants as C#'s compiler does: in checked mode,
/// unless inside `unchecked`. The evaluator's own arithmetic does the work, so compile-time and
/// run-time results cannot differ.
fn fold(
    op: BinaryOp,
    operand: Operand,
    left: Option<&Value>,
    right: Option<&Value>,
    ty: &Type,
    unchecked: bool,
    span: Span,
) -> Fold {
    let (Some(left), Some(right)) = (left, right) else {
        return Fold::NotConstant;
    };
    if !left.runtime_type().is_numeric() || !right.runtime_type().is_numeric() {
        return Fold::NotConstant;
    }
    let (Ok(a), Ok(b)) = (
        crate::eval::numeric_convert(left, ty, false, span),
        crate::eval::numeric_convert(right, ty, false, span),
    ) else {
        return Fold::NotConstant;
    };
    match crate::eval::binary(bin_op(op), operand, a, b, !unchecked, span) {
        Ok(value) => Fold::Value(value),
        Err(fault) => match fault.kind() {
            crate::eval::FaultKind::Exception(e) if e.class == Class::DivideByZeroException => {
                Fold::DivideByZero
            }
            crate::eval::FaultKind::Exception(e) if e.class == Class::OverflowException => {
                Fold::Overflow
            }
            _ => Fold::NotConstant,
        },
    }
}
