//! The numeric types, `bool` and `char`; `Math`, `Convert`, `BitConverter`, `Random`, `Guid`.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::{Call, Owner, Registry};
use crate::eval::{Cx, Fault, float_of, integer_of, integer_value};
use crate::net::number::{self, ParseError};
use crate::net::random::NetRandom;
use crate::net::{base64, guid};
use crate::types::{Class, Type};
use crate::value::{Object, Value, lock, new_str};

type R = Result<Value, Fault>;

/// (owner, C# keyword, type, min, max, bits) for each integer type.
const INTEGERS: &[(Owner, &str, Type, i128, i128, u32)] = &[
    (
        Owner::SByte,
        "sbyte",
        Type::SByte,
        i8::MIN as i128,
        i8::MAX as i128,
        8,
    ),
    (Owner::Byte, "byte", Type::Byte, 0, u8::MAX as i128, 8),
    (
        Owner::Int16,
        "short",
        Type::Int16,
        i16::MIN as i128,
        i16::MAX as i128,
        16,
    ),
    (
        Owner::UInt16,
        "ushort",
        Type::UInt16,
        0,
        u16::MAX as i128,
        16,
    ),
    (
        Owner::Int32,
        "int",
        Type::Int32,
        i32::MIN as i128,
        i32::MAX as i128,
        32,
    ),
    (Owner::UInt32, "uint", Type::UInt32, 0, u32::MAX as i128, 32),
    (
        Owner::Int64,
        "long",
        Type::Int64,
        i64::MIN as i128,
        i64::MAX as i128,
        64,
    ),
    (
        Owner::UInt64,
        "ulong",
        Type::UInt64,
        0,
        u64::MAX as i128,
        64,
    ),
];

fn parse_failure(call: &Call<'_>, error: ParseError, type_name: &str) -> Fault {
    match error {
        ParseError::Format => call.format_error("Input string was not in a correct format."),
        ParseError::Overflow => call.throw(
            Class::OverflowException,
            format!("Value was either too large or too small for {type_name}."),
        ),
    }
}

/// Parses text as a value of `ty` (`int.Parse` and friends); `Err` is the .NET exception.
pub(crate) fn parse_as(text: &str, ty: &Type, call: &Call<'_>) -> R {
    if let Some(&(_, _, _, min, max, _)) = INTEGERS.iter().find(|entry| entry.2 == *ty) {
        let value = number::parse_integer(text, min, max)
            .map_err(|e| parse_failure(call, e, &ty.to_string()))?;
        return integer_value(value, ty)
            .ok_or_else(|| call.internal("parsed integer out of range"));
    }
    match ty {
        Type::Double => Ok(Value::Double(
            number::parse_double(text).map_err(|e| parse_failure(call, e, "Double"))?,
        )),
        Type::Single => {
            let value = number::parse_double(text).map_err(|e| parse_failure(call, e, "Single"))?;
            Ok(Value::Single(value as f32))
        }
        Type::Decimal => Ok(Value::Decimal(
            number::parse_decimal(text).map_err(|e| parse_failure(call, e, "Decimal"))?,
        )),
        Type::Bool => match text.trim_matches(|c: char| c.is_whitespace() || c == '\0') {
            t if t.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            t if t.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err(call.format_error("String was not recognized as a valid Boolean.")),
        },
        Type::Char => {
            let units: Vec<u16> = text.encode_utf16().collect();
            match units.as_slice() {
                [c] => Ok(Value::Char(*c)),
                _ => Err(call.format_error("String must be exactly one character long.")),
            }
        }
        _ => Err(call.internal("parse of an unsupported type")),
    }
}

/// `Convert.ToX(value)` / `IConvertible`: numbers round half to even into integers and are
/// range-checked; strings parse; bools are 1 and 0.
pub(crate) fn convert_value(value: &Value, to: &Type, call: &Call<'_>) -> R {
    let overflow = || {
        call.throw(
            Class::OverflowException,
            format!("Value was either too large or too small for {to}."),
        )
    };
    let invalid = |from: &Value| {
        call.throw(
            Class::InvalidCastException,
            format!(
                "Invalid cast from '{}' to '{}'.",
                super::type_full_name(&from.runtime_type()),
                super::type_full_name(to)
            ),
        )
    };
    let value = match value {
        Value::Json(token) => match token.value() {
            Some(inner) => super::json::jvalue_to_value(&inner),
            None => return Err(invalid(value)),
        },
        other => other.clone(),
    };
    if value.runtime_type() == *to {
        return Ok(value);
    }
    match (&value, to) {
        (Value::Null, Type::String) => Ok(Value::Null),
        (Value::Null, _) => Err(call.throw(
            Class::InvalidCastException,
            "Null object cannot be converted to a value type.",
        )),
        (Value::String(s), Type::String) => Ok(Value::String(s.clone())),
        (Value::String(s), Type::Class(Class::DateTime)) => super::time::parse_date_value(s, call),
        (Value::String(s), Type::Class(Class::Guid)) => guid::parse(s)
            .map(Value::Guid)
            .ok_or_else(|| call.format_error("Unrecognized Guid format.")),
        (Value::String(s), target) => parse_as(s, target, call),
        (other, Type::String) => Ok(new_str(super::to_display_string(other))),
        (Value::Bool(b), target) if target.is_numeric() && *target != Type::Char => {
            crate::eval::numeric_convert(&Value::Int32(i32::from(*b)), target, false, call.span)
        }
        (Value::Char(_), Type::Bool | Type::Single | Type::Double | Type::Decimal) => {
            Err(invalid(&value))
        }
        (source, Type::Bool) if source.runtime_type().is_numeric() => {
            Ok(Value::Bool(float_of(source).unwrap_or(0.0) != 0.0))
        }
        (Value::Single(_) | Value::Double(_), Type::Char) => Err(invalid(&value)),
        (Value::Single(_) | Value::Double(_), target) if target.is_integral() => {
            let rounded = float_of(&value).unwrap_or(0.0).round_ties_even();
            if !rounded.is_finite() || rounded.abs() > 1e30 {
                return Err(overflow());
            }
            integer_value(rounded as i128, target).ok_or_else(overflow)
        }
        (Value::Decimal(d), target) if target.is_integral() => {
            let rounded =
                d.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointNearestEven);
            rounded
                .to_i128()
                .and_then(|v| integer_value(v, target))
                .ok_or_else(overflow)
        }
        (source, target) if source.runtime_type().is_numeric() && target.is_integral() => {
            integer_of(source)
                .and_then(|v| integer_value(v, target))
                .ok_or_else(overflow)
        }
        (source, target) if source.runtime_type().is_numeric() && target.is_numeric() => {
            crate::eval::numeric_convert(source, target, true, call.span)
        }
        (source, _) => Err(invalid(source)),
    }
}

fn round_half_even(value: f64, digits: i32, away: bool) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let power = 10f64.powi(digits);
    let scaled = value * power;
    if !scaled.is_finite() || scaled.abs() >= 1e16 {
        return value;
    }
    let rounded = if away {
        scaled.round()
    } else {
        scaled.round_ties_even()
    };
    rounded / power
}

fn rounding(mode: i64) -> (bool, rust_decimal::RoundingStrategy) {
    use rust_decimal::RoundingStrategy as S;
    match mode {
        1 => (true, S::MidpointAwayFromZero),
        2 => (false, S::ToZero),
        3 => (false, S::ToNegativeInfinity),
        4 => (false, S::ToPositiveInfinity),
        _ => (false, S::MidpointNearestEven),
    }
}

fn math_round(call: &Call<'_>, value: &Value, digits: i32, mode: i64) -> R {
    if !(0..=28).contains(&digits) || (matches!(value, Value::Double(_)) && digits > 15) {
        return Err(call.out_of_range("digits"));
    }
    match value {
        Value::Decimal(d) => {
            let (_, strategy) = rounding(mode);
            Ok(Value::Decimal(d.round_dp_with_strategy(
                u32::try_from(digits).unwrap_or(0),
                strategy,
            )))
        }
        other => {
            let v = float_of(other).unwrap_or(0.0);
            let result = match mode {
                0 => round_half_even(v, digits, false),
                1 => round_half_even(v, digits, true),
                _ => {
                    let power = 10f64.powi(digits);
                    let scaled = v * power;
                    let r = match mode {
                        2 => scaled.trunc(),
                        3 => scaled.floor(),
                        _ => scaled.ceil(),
                    };
                    r / power
                }
            };
            Ok(Value::Double(result))
        }
    }
}

fn abs(call: &Call<'_>) -> R {
    let overflow = || {
        call.throw(
            Class::OverflowException,
            "Negating the minimum value of a twos complement number is invalid.",
        )
    };
    Ok(match call.arg(0) {
        Value::Int32(v) => Value::Int32(v.checked_abs().ok_or_else(overflow)?),
        Value::Int64(v) => Value::Int64(v.checked_abs().ok_or_else(overflow)?),
        Value::Int16(v) => Value::Int16(v.checked_abs().ok_or_else(overflow)?),
        Value::SByte(v) => Value::SByte(v.checked_abs().ok_or_else(overflow)?),
        Value::Single(v) => Value::Single(v.abs()),
        Value::Double(v) => Value::Double(v.abs()),
        Value::Decimal(v) => Value::Decimal(v.abs()),
        other => other.clone(),
    })
}

fn min_max(call: &Call<'_>, max: bool) -> R {
    let (a, b) = (call.arg(0), call.arg(1));
    // NaN wins in either direction.
    if let (Some(x), Some(y)) = (float_of(a), float_of(b))
        && matches!(a, Value::Double(_) | Value::Single(_))
        && (x.is_nan() || y.is_nan())
    {
        return Ok(if x.is_nan() { a.clone() } else { b.clone() });
    }
    let ordering = super::compare_values(a, b);
    let pick_a = if max {
        ordering != std::cmp::Ordering::Less
    } else {
        ordering != std::cmp::Ordering::Greater
    };
    Ok(if pick_a { a.clone() } else { b.clone() })
}

fn sign(call: &Call<'_>) -> R {
    let value = call.arg(0);
    if matches!(value, Value::Double(_) | Value::Single(_))
        && float_of(value).is_some_and(f64::is_nan)
    {
        return Err(call.throw(
            Class::ArithmeticException,
            "Function does not accept floating point Not-a-Number values.",
        ));
    }
    let sign = match value {
        Value::Decimal(d) if d.is_zero() => 0,
        Value::Decimal(d) if d.is_sign_negative() => -1,
        Value::Decimal(_) => 1,
        other => {
            let v = float_of(other).unwrap_or(0.0);
            if v > 0.0 {
                1
            } else if v < 0.0 {
                -1
            } else {
                0
            }
        }
    };
    Ok(Value::Int32(sign))
}

fn math_double(call: &Call<'_>, f: fn(f64) -> f64) -> R {
    Ok(Value::Double(f(call.double(0)?)))
}

fn bit_converter_read(call: &Call<'_>, size: usize) -> Result<Vec<u8>, Fault> {
    let bytes = call.bytes(0)?;
    let start = usize::try_from(call.int(1)?).map_err(|_| call.out_of_range("startIndex"))?;
    if start >= bytes.len() {
        return Err(call.out_of_range("startIndex"));
    }
    bytes
        .get(start..start + size)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| {
            call.argument_error(
                "Destination array is not long enough to copy all the items in the collection.",
            )
        })
}

fn fixed<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for (slot, byte) in out.iter_mut().zip(bytes) {
        *slot = *byte;
    }
    out
}

fn random_object<'c>(call: &'c Call<'_>) -> Result<&'c std::sync::Mutex<NetRandom>, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Random(random) => Ok(random),
            _ => Err(call.internal("not a Random")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn guid_of(value: &Value) -> [u8; 16] {
    match value {
        Value::Guid(g) => *g,
        _ => [0; 16],
    }
}

fn integer_to_string(call: &Call<'_>) -> R {
    let format = call.opt_string(0).unwrap_or_default();
    let value = integer_of(&call.this).unwrap_or(0);
    let bits = super::core::integer_bits(&call.this);
    number::format_integer(value, bits, &format)
        .map(new_str)
        .ok_or_else(|| call.format_error("Format specifier was invalid."))
}

fn to_base(call: &Call<'_>) -> R {
    let value = integer_of(call.arg(0)).unwrap_or(0);
    let base = call.int(1)?;
    let bits = super::core::integer_bits(call.arg(0));
    let modulus: i128 = 1 << bits;
    let unsigned = if value < 0 { value + modulus } else { value };
    let text = match base {
        2 => format!("{unsigned:b}"),
        8 => format!("{unsigned:o}"),
        10 => value.to_string(),
        16 => format!("{unsigned:x}"),
        _ => return Err(call.argument_error("Invalid Base.")),
    };
    Ok(new_str(text))
}

fn from_base(call: &Call<'_>, ty: &Type, bits: u32) -> R {
    let Some(text) = call.opt_string(0) else {
        return Ok(crate::eval::default_value(ty));
    };
    let base = call.int(1)?;
    if !matches!(base, 2 | 8 | 10 | 16) {
        return Err(call.argument_error("Invalid Base."));
    }
    if base == 10 {
        return parse_as(&text, ty, call);
    }
    let value = number::parse_radix(&text, u32::try_from(base).unwrap_or(10), bits)
        .map_err(|e| parse_failure(call, e, &ty.to_string()))?;
    let unsigned_target = matches!(ty, Type::Byte | Type::UInt16 | Type::UInt32 | Type::UInt64);
    let value = if unsigned_target && value < 0 {
        value + (1i128 << bits)
    } else {
        value
    };
    integer_value(value, ty).ok_or_else(|| {
        call.throw(
            Class::OverflowException,
            "Value was either too large or too small.",
        )
    })
}

macro_rules! integer_members {
    ($registry:ident: $( $owner:ident $keyword:literal $ty:expr ),* $(,)?) => {
        $(
            $registry.static_method(Owner::$owner, "Parse", &format!("(string s) -> {}", $keyword), |_, c| parse_as(&c.string(0)?, &$ty, c));
            $registry.static_method(Owner::$owner, "TryParse", &format!("(string s, out {} result) -> bool", $keyword), |_, c| try_parse(c, &$ty));
            $registry.method(Owner::$owner, "ToString", "(string format) -> string", |_, c| integer_to_string(c));
            $registry.method(Owner::$owner, "CompareTo", &format!("({} value) -> int", $keyword), |_, c| {
                Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
            });
            $registry.method(Owner::$owner, "Equals", &format!("({} obj) -> bool", $keyword), |_, c| {
                Ok(Value::Bool(integer_of(&c.this) == integer_of(c.arg(0))))
            });
        )*
    };
}

macro_rules! convert_targets {
    ($registry:ident: $( $name:literal $ty:literal => $target:expr ),* $(,)?) => {
        $(
            for source in ["object", "string", "bool", "char", "byte", "sbyte", "short", "ushort", "int", "uint", "long", "ulong", "float", "double", "decimal"] {
                if source == "char" && matches!($target, Type::Bool | Type::Single | Type::Double | Type::Decimal) {
                    continue;
                }
                $registry.static_method(Owner::Class(Class::Convert), $name, &format!("({source} value) -> {}", $ty), |_, c| {
                    match c.arg(0) {
                        Value::Null => Ok(if $target == Type::String { Value::Null } else { crate::eval::default_value(&$target) }),
                        value => convert_value(value, &$target, c),
                    }
                });
            }
        )*
    };
}

pub(super) fn register(r: &mut Registry) {
    // ----- integers
    integer_members!(r:
        SByte "sbyte" Type::SByte,
        Byte "byte" Type::Byte,
        Int16 "short" Type::Int16,
        UInt16 "ushort" Type::UInt16,
        Int32 "int" Type::Int32,
        UInt32 "uint" Type::UInt32,
        Int64 "long" Type::Int64,
        UInt64 "ulong" Type::UInt64,
    );
    register_integer_constants(r);

    // ----- floating point, decimal
    for (owner, keyword) in [
        (Owner::Double, "double"),
        (Owner::Single, "float"),
        (Owner::Decimal, "decimal"),
    ] {
        r.method(owner, "ToString", "(string format) -> string", |_, c| {
            let format = c.opt_string(0).unwrap_or_default();
            let text = match &c.this {
                Value::Double(v) => number::format_double(*v, &format),
                Value::Single(v) => number::format_single(*v, &format),
                Value::Decimal(v) => number::format_decimal(*v, &format),
                _ => None,
            };
            text.map(new_str)
                .ok_or_else(|| c.format_error("Format specifier was invalid."))
        });
        r.method(
            owner,
            "CompareTo",
            &format!("({keyword} value) -> int"),
            |_, c| Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32)),
        );
        r.method(
            owner,
            "Equals",
            &format!("({keyword} obj) -> bool"),
            |_, c| Ok(Value::Bool(super::value_equals(&c.this, c.arg(0)))),
        );
    }
    r.static_method(Owner::Double, "Parse", "(string s) -> double", |_, c| {
        parse_as(&c.string(0)?, &Type::Double, c)
    });
    r.static_method(Owner::Single, "Parse", "(string s) -> float", |_, c| {
        parse_as(&c.string(0)?, &Type::Single, c)
    });
    r.static_method(Owner::Decimal, "Parse", "(string s) -> decimal", |_, c| {
        parse_as(&c.string(0)?, &Type::Decimal, c)
    });
    r.static_method(
        Owner::Double,
        "TryParse",
        "(string s, out double result) -> bool",
        |_, c| try_parse(c, &Type::Double),
    );
    r.static_method(
        Owner::Single,
        "TryParse",
        "(string s, out float result) -> bool",
        |_, c| try_parse(c, &Type::Single),
    );
    r.static_method(
        Owner::Decimal,
        "TryParse",
        "(string s, out decimal result) -> bool",
        |_, c| try_parse(c, &Type::Decimal),
    );
    r.static_method(Owner::Double, "IsNaN", "(double d) -> bool", |_, c| {
        Ok(Value::Bool(c.double(0)?.is_nan()))
    });
    r.static_method(Owner::Double, "IsInfinity", "(double d) -> bool", |_, c| {
        Ok(Value::Bool(c.double(0)?.is_infinite()))
    });
    r.static_method(
        Owner::Double,
        "IsPositiveInfinity",
        "(double d) -> bool",
        |_, c| Ok(Value::Bool(c.double(0)? == f64::INFINITY)),
    );
    r.static_method(
        Owner::Double,
        "IsNegativeInfinity",
        "(double d) -> bool",
        |_, c| Ok(Value::Bool(c.double(0)? == f64::NEG_INFINITY)),
    );

    // ----- bool
    r.static_method(Owner::Bool, "Parse", "(string value) -> bool", |_, c| {
        parse_as(&c.string(0)?, &Type::Bool, c)
    });
    r.static_method(
        Owner::Bool,
        "TryParse",
        "(string value, out bool result) -> bool",
        |_, c| try_parse(c, &Type::Bool),
    );
    r.static_property(Owner::Bool, "TrueString", "string", |_, _| {
        Ok(Value::String(crate::value::intern("True")))
    });
    r.static_property(Owner::Bool, "FalseString", "string", |_, _| {
        Ok(Value::String(crate::value::intern("False")))
    });
    r.method(Owner::Bool, "CompareTo", "(bool value) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(Owner::Bool, "Equals", "(bool obj) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(&c.this, c.arg(0))))
    });

    // ----- char
    for name in [
        "IsDigit",
        "IsLetter",
        "IsLetterOrDigit",
        "IsWhiteSpace",
        "IsUpper",
        "IsLower",
        "IsNumber",
        "IsPunctuation",
        "IsControl",
    ] {
        r.static_method(Owner::Char, name, "(char c) -> bool", char_predicate);
        r.static_method(
            Owner::Char,
            name,
            "(string s, int index) -> bool",
            char_predicate_at,
        );
    }
    r.static_method(Owner::Char, "ToUpper", "(char c) -> char", |_, c| {
        Ok(Value::Char(map_char(c.character(0)?, true)))
    });
    r.static_method(Owner::Char, "ToLower", "(char c) -> char", |_, c| {
        Ok(Value::Char(map_char(c.character(0)?, false)))
    });
    r.static_method(
        Owner::Char,
        "ToUpperInvariant",
        "(char c) -> char",
        |_, c| Ok(Value::Char(map_char(c.character(0)?, true))),
    );
    r.static_method(
        Owner::Char,
        "ToLowerInvariant",
        "(char c) -> char",
        |_, c| Ok(Value::Char(map_char(c.character(0)?, false))),
    );
    r.static_method(Owner::Char, "Parse", "(string s) -> char", |_, c| {
        parse_as(&c.string(0)?, &Type::Char, c)
    });
    r.static_method(
        Owner::Char,
        "TryParse",
        "(string s, out char result) -> bool",
        |_, c| try_parse(c, &Type::Char),
    );
    r.static_method(
        Owner::Char,
        "GetNumericValue",
        "(char c) -> double",
        |_, c| {
            let ch = c.character(0)?;
            Ok(Value::Double(
                char::from_u32(u32::from(ch))
                    .and_then(|ch| ch.to_digit(10))
                    .map_or(-1.0, f64::from),
            ))
        },
    );
    r.method(Owner::Char, "CompareTo", "(char value) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(Owner::Char, "Equals", "(char obj) -> bool", |_, c| {
        Ok(Value::Bool(super::value_equals(&c.this, c.arg(0))))
    });

    register_math(r);
    register_convert(r);
    register_bit_converter(r);
    register_random(r);
    register_guid(r);
}

fn char_predicate(_: &mut Cx<'_>, c: &mut Call<'_>) -> R {
    let ch = c.character(0)?;
    Ok(Value::Bool(test_char(c, ch)))
}

fn char_predicate_at(_: &mut Cx<'_>, c: &mut Call<'_>) -> R {
    let s = c.string(0)?;
    let index = c.int(1)?;
    let units: Vec<u16> = s.encode_utf16().collect();
    let ch = usize::try_from(index)
        .ok()
        .and_then(|i| units.get(i).copied())
        .ok_or_else(|| c.out_of_range("index"))?;
    Ok(Value::Bool(test_char(c, ch)))
}

/// `char.IsX`: the predicates share one function and are told apart by the member's name.
fn test_char(c: &Call<'_>, unit: u16) -> bool {
    let Some(ch) = char::from_u32(u32::from(unit)) else {
        return false;
    };
    match c.name {
        "IsDigit" => ch.is_ascii_digit() || (!ch.is_ascii() && ch.is_numeric()),
        "IsLetter" => ch.is_alphabetic(),
        "IsLetterOrDigit" => ch.is_alphanumeric(),
        "IsWhiteSpace" => ch.is_whitespace(),
        "IsUpper" => ch.is_uppercase(),
        "IsLower" => ch.is_lowercase(),
        "IsNumber" => ch.is_numeric(),
        "IsPunctuation" => {
            ch.is_ascii_punctuation()
                && !matches!(ch, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
        }
        "IsControl" => ch.is_control(),
        _ => false,
    }
}

/// Simple case mapping of one UTF-16 unit (no length-changing mappings, as .NET's `char`).
pub(crate) fn map_char(unit: u16, upper: bool) -> u16 {
    let Some(ch) = char::from_u32(u32::from(unit)) else {
        return unit;
    };
    let mapped: Vec<char> = if upper {
        ch.to_uppercase().collect()
    } else {
        ch.to_lowercase().collect()
    };
    match mapped.as_slice() {
        [single] => {
            let mut buffer = [0u16; 2];
            match single.encode_utf16(&mut buffer) {
                [one] => *one,
                _ => unit,
            }
        }
        _ => unit,
    }
}

fn try_parse(c: &mut Call<'_>, ty: &Type) -> R {
    let parsed = c.opt_string(0).and_then(|s| parse_as(&s, ty, c).ok());
    let ok = parsed.is_some();
    c.set_out(1, parsed.unwrap_or_else(|| crate::eval::default_value(ty)));
    Ok(Value::Bool(ok))
}

fn register_integer_constants(r: &mut Registry) {
    r.constant(Owner::SByte, "MaxValue", Value::SByte(i8::MAX));
    r.constant(Owner::SByte, "MinValue", Value::SByte(i8::MIN));
    r.constant(Owner::Byte, "MaxValue", Value::Byte(u8::MAX));
    r.constant(Owner::Byte, "MinValue", Value::Byte(0));
    r.constant(Owner::Int16, "MaxValue", Value::Int16(i16::MAX));
    r.constant(Owner::Int16, "MinValue", Value::Int16(i16::MIN));
    r.constant(Owner::UInt16, "MaxValue", Value::UInt16(u16::MAX));
    r.constant(Owner::UInt16, "MinValue", Value::UInt16(0));
    r.constant(Owner::Int32, "MaxValue", Value::Int32(i32::MAX));
    r.constant(Owner::Int32, "MinValue", Value::Int32(i32::MIN));
    r.constant(Owner::UInt32, "MaxValue", Value::UInt32(u32::MAX));
    r.constant(Owner::UInt32, "MinValue", Value::UInt32(0));
    r.constant(Owner::Int64, "MaxValue", Value::Int64(i64::MAX));
    r.constant(Owner::Int64, "MinValue", Value::Int64(i64::MIN));
    r.constant(Owner::UInt64, "MaxValue", Value::UInt64(u64::MAX));
    r.constant(Owner::UInt64, "MinValue", Value::UInt64(0));
    r.constant(Owner::Char, "MaxValue", Value::Char(u16::MAX));
    r.constant(Owner::Char, "MinValue", Value::Char(0));
    r.constant(Owner::Double, "NaN", Value::Double(f64::NAN));
    r.constant(
        Owner::Double,
        "PositiveInfinity",
        Value::Double(f64::INFINITY),
    );
    r.constant(
        Owner::Double,
        "NegativeInfinity",
        Value::Double(f64::NEG_INFINITY),
    );
    r.constant(Owner::Double, "Epsilon", Value::Double(f64::from_bits(1)));
    r.constant(Owner::Double, "MaxValue", Value::Double(f64::MAX));
    r.constant(Owner::Double, "MinValue", Value::Double(f64::MIN));
    r.constant(Owner::Single, "MaxValue", Value::Single(f32::MAX));
    r.constant(Owner::Single, "MinValue", Value::Single(f32::MIN));
    r.constant(Owner::Single, "NaN", Value::Single(f32::NAN));
    r.constant(Owner::Decimal, "MaxValue", Value::Decimal(Decimal::MAX));
    r.constant(Owner::Decimal, "MinValue", Value::Decimal(Decimal::MIN));
    r.constant(Owner::Decimal, "Zero", Value::Decimal(Decimal::ZERO));
    r.constant(Owner::Decimal, "One", Value::Decimal(Decimal::ONE));
    r.constant(
        Owner::Decimal,
        "MinusOne",
        Value::Decimal(Decimal::NEGATIVE_ONE),
    );
    r.constant(
        Owner::Class(Class::Math),
        "PI",
        Value::Double(std::f64::consts::PI),
    );
    r.constant(
        Owner::Class(Class::Math),
        "E",
        Value::Double(std::f64::consts::E),
    );
}

fn register_math(r: &mut Registry) {
    let math = Owner::Class(Class::Math);
    for ty in [
        "int", "long", "short", "sbyte", "float", "double", "decimal",
    ] {
        r.static_method(math, "Abs", &format!("({ty} value) -> {ty}"), |_, c| abs(c));
    }
    for ty in [
        "int", "long", "uint", "ulong", "short", "ushort", "byte", "sbyte", "float", "double",
        "decimal",
    ] {
        r.static_method(
            math,
            "Max",
            &format!("({ty} val1, {ty} val2) -> {ty}"),
            |_, c| min_max(c, true),
        );
        r.static_method(
            math,
            "Min",
            &format!("({ty} val1, {ty} val2) -> {ty}"),
            |_, c| min_max(c, false),
        );
    }
    for ty in ["int", "long", "double", "decimal"] {
        r.static_method(
            math,
            "Clamp",
            &format!("({ty} value, {ty} min, {ty} max) -> {ty}"),
            |_, c| {
                if super::compare_values(c.arg(1), c.arg(2)) == std::cmp::Ordering::Greater {
                    return Err(c.argument_error("'min' cannot be greater than 'max'."));
                }
                let value = c.arg(0);
                Ok(
                    if super::compare_values(value, c.arg(1)) == std::cmp::Ordering::Less {
                        c.arg(1).clone()
                    } else if super::compare_values(value, c.arg(2)) == std::cmp::Ordering::Greater
                    {
                        c.arg(2).clone()
                    } else {
                        value.clone()
                    },
                )
            },
        );
    }
    for ty in ["int", "long", "double", "decimal", "float"] {
        r.static_method(math, "Sign", &format!("({ty} value) -> int"), |_, c| {
            sign(c)
        });
    }
    for ty in ["double", "decimal"] {
        r.static_method(math, "Round", &format!("({ty} a) -> {ty}"), |_, c| {
            math_round(c, c.arg(0), 0, 0)
        });
        r.static_method(
            math,
            "Round",
            &format!("({ty} value, int digits) -> {ty}"),
            |_, c| math_round(c, c.arg(0), c.int(1)?, 0),
        );
        r.static_method(
            math,
            "Round",
            &format!("({ty} value, MidpointRounding mode) -> {ty}"),
            |_, c| math_round(c, c.arg(0), 0, c.enumeration(1)),
        );
        r.static_method(
            math,
            "Round",
            &format!("({ty} value, int digits, MidpointRounding mode) -> {ty}"),
            |_, c| math_round(c, c.arg(0), c.int(1)?, c.enumeration(2)),
        );
        r.static_method(math, "Floor", &format!("({ty} d) -> {ty}"), |_, c| {
            Ok(match c.arg(0) {
                Value::Decimal(d) => Value::Decimal(d.floor()),
                other => Value::Double(float_of(other).unwrap_or(0.0).floor()),
            })
        });
        r.static_method(math, "Ceiling", &format!("({ty} d) -> {ty}"), |_, c| {
            Ok(match c.arg(0) {
                Value::Decimal(d) => Value::Decimal(d.ceil()),
                other => Value::Double(float_of(other).unwrap_or(0.0).ceil()),
            })
        });
        r.static_method(math, "Truncate", &format!("({ty} d) -> {ty}"), |_, c| {
            Ok(match c.arg(0) {
                Value::Decimal(d) => Value::Decimal(d.trunc()),
                other => Value::Double(float_of(other).unwrap_or(0.0).trunc()),
            })
        });
    }
    r.static_method(math, "Pow", "(double x, double y) -> double", |_, c| {
        Ok(Value::Double(c.double(0)?.powf(c.double(1)?)))
    });
    r.static_method(math, "Sqrt", "(double d) -> double", |_, c| {
        math_double(c, f64::sqrt)
    });
    r.static_method(math, "Exp", "(double d) -> double", |_, c| {
        math_double(c, f64::exp)
    });
    r.static_method(math, "Log", "(double d) -> double", |_, c| {
        math_double(c, f64::ln)
    });
    r.static_method(
        math,
        "Log",
        "(double a, double newBase) -> double",
        |_, c| Ok(Value::Double(c.double(0)?.log(c.double(1)?))),
    );
    r.static_method(math, "Log10", "(double d) -> double", |_, c| {
        math_double(c, f64::log10)
    });
    r.static_method(math, "Log2", "(double d) -> double", |_, c| {
        math_double(c, f64::log2)
    });
    r.static_method(math, "Sin", "(double a) -> double", |_, c| {
        math_double(c, f64::sin)
    });
    r.static_method(math, "Cos", "(double d) -> double", |_, c| {
        math_double(c, f64::cos)
    });
    r.static_method(math, "Tan", "(double a) -> double", |_, c| {
        math_double(c, f64::tan)
    });
    r.static_method(math, "Atan", "(double d) -> double", |_, c| {
        math_double(c, f64::atan)
    });
    r.static_method(math, "Atan2", "(double y, double x) -> double", |_, c| {
        Ok(Value::Double(c.double(0)?.atan2(c.double(1)?)))
    });
}

fn register_convert(r: &mut Registry) {
    let convert = Owner::Class(Class::Convert);
    r.static_method(
        convert,
        "ToBase64String",
        "(byte[] inArray) -> string",
        |cx, c| {
            let bytes = c.bytes(0)?;
            cx.charge_bytes(bytes.len() * 2, c.span)?;
            Ok(new_str(base64::encode(&bytes)))
        },
    );
    r.static_method(
        convert,
        "ToBase64String",
        "(byte[] inArray, int offset, int length) -> string",
        |_, c| {
            let bytes = c.bytes(0)?;
            let (offset, length) = (c.int(1)?, c.int(2)?);
            let slice = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(length).ok())
                .and_then(|(o, l)| bytes.get(o..o.checked_add(l)?))
                .ok_or_else(|| c.out_of_range("offset"))?;
            Ok(new_str(base64::encode(slice)))
        },
    );
    r.static_method(convert, "FromBase64String", "(string s) -> byte[]", |cx, c| {
        let text = c.string(0)?;
        cx.charge_bytes(text.len(), c.span)?;
        base64::decode(&text).map(Value::bytes).ok_or_else(|| {
            c.format_error("The input is not a valid Base-64 string as it contains a non-base 64 character, more than two padding characters, or an illegal character among the padding characters.")
        })
    });
    convert_targets!(r:
        "ToInt32" "int" => Type::Int32,
        "ToInt64" "long" => Type::Int64,
        "ToInt16" "short" => Type::Int16,
        "ToByte" "byte" => Type::Byte,
        "ToSByte" "sbyte" => Type::SByte,
        "ToUInt16" "ushort" => Type::UInt16,
        "ToUInt32" "uint" => Type::UInt32,
        "ToUInt64" "ulong" => Type::UInt64,
        "ToDouble" "double" => Type::Double,
        "ToSingle" "float" => Type::Single,
        "ToDecimal" "decimal" => Type::Decimal,
        "ToBoolean" "bool" => Type::Bool,
        "ToChar" "char" => Type::Char,
        "ToString" "string" => Type::String,
    );
    r.static_method(
        convert,
        "ToDateTime",
        "(string value) -> DateTime",
        |_, c| match c.opt_string(0) {
            Some(text) => super::time::parse_date_value(&text, c),
            None => Ok(crate::eval::default_value(&Type::Class(Class::DateTime))),
        },
    );
    r.static_method(
        convert,
        "ToDateTime",
        "(object value) -> DateTime",
        |_, c| match c.arg(0) {
            Value::Null => Ok(crate::eval::default_value(&Type::Class(Class::DateTime))),
            value => convert_value(&value.clone(), &Type::Class(Class::DateTime), c),
        },
    );
    for (ty, bits) in [("byte", 8), ("short", 16), ("int", 32), ("long", 64)] {
        r.static_method(
            convert,
            "ToString",
            &format!("({ty} value, int toBase) -> string"),
            |_, c| to_base(c),
        );
        let _ = bits;
    }
    r.static_method(
        convert,
        "ToInt32",
        "(string value, int fromBase) -> int",
        |_, c| from_base(c, &Type::Int32, 32),
    );
    r.static_method(
        convert,
        "ToInt64",
        "(string value, int fromBase) -> long",
        |_, c| from_base(c, &Type::Int64, 64),
    );
    r.static_method(
        convert,
        "ToInt16",
        "(string value, int fromBase) -> short",
        |_, c| from_base(c, &Type::Int16, 16),
    );
    r.static_method(
        convert,
        "ToByte",
        "(string value, int fromBase) -> byte",
        |_, c| from_base(c, &Type::Byte, 8),
    );
    r.static_method(
        convert,
        "ToUInt32",
        "(string value, int fromBase) -> uint",
        |_, c| from_base(c, &Type::UInt32, 32),
    );
}

fn register_bit_converter(r: &mut Registry) {
    let owner = Owner::Class(Class::BitConverter);
    r.static_property(owner, "IsLittleEndian", "bool", |_, _| {
        Ok(Value::Bool(true))
    });
    for ty in [
        "bool", "char", "short", "ushort", "int", "uint", "long", "ulong", "float", "double",
    ] {
        r.static_method(
            owner,
            "GetBytes",
            &format!("({ty} value) -> byte[]"),
            |_, c| {
                let bytes = match c.arg(0) {
                    Value::Bool(b) => vec![u8::from(*b)],
                    Value::Char(v) | Value::UInt16(v) => v.to_le_bytes().to_vec(),
                    Value::Int16(v) => v.to_le_bytes().to_vec(),
                    Value::Int32(v) => v.to_le_bytes().to_vec(),
                    Value::UInt32(v) => v.to_le_bytes().to_vec(),
                    Value::Int64(v) => v.to_le_bytes().to_vec(),
                    Value::UInt64(v) => v.to_le_bytes().to_vec(),
                    Value::Single(v) => v.to_le_bytes().to_vec(),
                    Value::Double(v) => v.to_le_bytes().to_vec(),
                    _ => return Err(c.internal("GetBytes of an unsupported value")),
                };
                Ok(Value::bytes(bytes))
            },
        );
    }
    r.static_method(
        owner,
        "ToInt16",
        "(byte[] value, int startIndex) -> short",
        |_, c| {
            Ok(Value::Int16(i16::from_le_bytes(fixed(
                &bit_converter_read(c, 2)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToUInt16",
        "(byte[] value, int startIndex) -> ushort",
        |_, c| {
            Ok(Value::UInt16(u16::from_le_bytes(fixed(
                &bit_converter_read(c, 2)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToInt32",
        "(byte[] value, int startIndex) -> int",
        |_, c| {
            Ok(Value::Int32(i32::from_le_bytes(fixed(
                &bit_converter_read(c, 4)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToUInt32",
        "(byte[] value, int startIndex) -> uint",
        |_, c| {
            Ok(Value::UInt32(u32::from_le_bytes(fixed(
                &bit_converter_read(c, 4)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToInt64",
        "(byte[] value, int startIndex) -> long",
        |_, c| {
            Ok(Value::Int64(i64::from_le_bytes(fixed(
                &bit_converter_read(c, 8)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToUInt64",
        "(byte[] value, int startIndex) -> ulong",
        |_, c| {
            Ok(Value::UInt64(u64::from_le_bytes(fixed(
                &bit_converter_read(c, 8)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToDouble",
        "(byte[] value, int startIndex) -> double",
        |_, c| {
            Ok(Value::Double(f64::from_le_bytes(fixed(
                &bit_converter_read(c, 8)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToSingle",
        "(byte[] value, int startIndex) -> float",
        |_, c| {
            Ok(Value::Single(f32::from_le_bytes(fixed(
                &bit_converter_read(c, 4)?,
            ))))
        },
    );
    r.static_method(
        owner,
        "ToBoolean",
        "(byte[] value, int startIndex) -> bool",
        |_, c| {
            Ok(Value::Bool(
                bit_converter_read(c, 1)?.first().copied().unwrap_or(0) != 0,
            ))
        },
    );
    r.static_method(owner, "ToString", "(byte[] value) -> string", |_, c| {
        Ok(new_str(hex_dashes(&c.bytes(0)?)))
    });
    r.static_method(
        owner,
        "ToString",
        "(byte[] value, int startIndex) -> string",
        |_, c| {
            let bytes = c.bytes(0)?;
            let start = usize::try_from(c.int(1)?)
                .ok()
                .filter(|s| *s <= bytes.len())
                .ok_or_else(|| c.out_of_range("startIndex"))?;
            Ok(new_str(hex_dashes(bytes.get(start..).unwrap_or_default())))
        },
    );
    r.static_method(
        owner,
        "ToString",
        "(byte[] value, int startIndex, int length) -> string",
        |_, c| {
            let bytes = c.bytes(0)?;
            let start = usize::try_from(c.int(1)?).map_err(|_| c.out_of_range("startIndex"))?;
            let length = usize::try_from(c.int(2)?).map_err(|_| c.out_of_range("length"))?;
            let slice = bytes
                .get(start..start.saturating_add(length))
                .ok_or_else(|| c.argument_error("Destination array is not long enough."))?;
            Ok(new_str(hex_dashes(slice)))
        },
    );
}

fn hex_dashes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}

fn register_random(r: &mut Registry) {
    let owner = Owner::Class(Class::Random);
    r.constructor(owner, "()", |_, _| {
        Ok(Value::object(Object::Random(std::sync::Mutex::new(
            NetRandom::unseeded(),
        ))))
    });
    r.constructor(owner, "(int Seed)", |_, c| {
        Ok(Value::object(Object::Random(std::sync::Mutex::new(
            NetRandom::new(c.int(0)?),
        ))))
    });
    r.method(owner, "Next", "() -> int", |_, c| {
        Ok(Value::Int32(lock(random_object(c)?).next_int()))
    });
    r.method(owner, "Next", "(int maxValue) -> int", |_, c| {
        let max = c.int(0)?;
        if max < 0 {
            return Err(c.out_of_range("maxValue"));
        }
        Ok(Value::Int32(lock(random_object(c)?).next_below(max)))
    });
    r.method(
        owner,
        "Next",
        "(int minValue, int maxValue) -> int",
        |_, c| {
            let (min, max) = (c.int(0)?, c.int(1)?);
            if min > max {
                return Err(c.out_of_range("minValue"));
            }
            Ok(Value::Int32(lock(random_object(c)?).next_between(min, max)))
        },
    );
    r.method(owner, "NextDouble", "() -> double", |_, c| {
        Ok(Value::Double(lock(random_object(c)?).next_double()))
    });
    r.method(owner, "NextBytes", "(byte[] buffer) -> void", |_, c| {
        let Value::Object(object) = c.arg(0) else {
            return Err(c.null_argument("buffer"));
        };
        if let Object::Bytes(bytes) = &**object {
            let mut random = lock(random_object(c)?);
            for byte in crate::value::write(bytes).iter_mut() {
                *byte = random.next_byte();
            }
        }
        Ok(Value::Null)
    });
}

fn register_guid(r: &mut Registry) {
    let owner = Owner::Class(Class::Guid);
    r.static_method(owner, "NewGuid", "() -> Guid", |_, _| {
        Ok(Value::Guid(guid::new_v4()))
    });
    r.static_property(owner, "Empty", "Guid", |_, _| Ok(Value::Guid([0; 16])));
    r.static_method(owner, "Parse", "(string input) -> Guid", |_, c| {
        let text = c.string(0)?;
        guid::parse(&text)
            .map(Value::Guid)
            .ok_or_else(|| c.format_error("Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."))
    });
    r.static_method(
        owner,
        "TryParse",
        "(string input, out Guid result) -> bool",
        |_, c| {
            let parsed = c.opt_string(0).and_then(|s| guid::parse(&s));
            c.set_out(1, Value::Guid(parsed.unwrap_or([0; 16])));
            Ok(Value::Bool(parsed.is_some()))
        },
    );
    r.constructor(owner, "(string g)", |_, c| {
        let text = c.string(0)?;
        guid::parse(&text)
            .map(Value::Guid)
            .ok_or_else(|| c.format_error("Unrecognized Guid format."))
    });
    r.constructor(owner, "(byte[] b)", |_, c| {
        let bytes = c.bytes(0)?;
        if bytes.len() != 16 {
            return Err(c.argument_error("Byte array for GUID must be exactly 16 bytes long."));
        }
        Ok(Value::Guid(fixed(&bytes)))
    });
    r.method(owner, "ToString", "(string format) -> string", |_, c| {
        let format = c.opt_string(0).unwrap_or_default();
        guid::format(&guid_of(&c.this), &format)
            .map(new_str)
            .ok_or_else(|| {
                c.format_error(
                    "Format String can be only 'D', 'd', 'N', 'n', 'P', 'p', 'B', 'b', 'X' or 'x'.",
                )
            })
    });
    r.method(owner, "ToByteArray", "() -> byte[]", |_, c| {
        Ok(Value::bytes(guid_of(&c.this).to_vec()))
    });
    r.method(owner, "CompareTo", "(Guid value) -> int", |_, c| {
        Ok(Value::Int32(super::compare_values(&c.this, c.arg(0)) as i32))
    });
    r.method(owner, "Equals", "(Guid g) -> bool", |_, c| {
        Ok(Value::Bool(guid_of(&c.this) == guid_of(c.arg(0))))
    });
}
