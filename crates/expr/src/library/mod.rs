//! The .NET library as policies see it: every member the checker knows, with its signature and
//! its implementation.
//!
//! Members are declared with C# signature strings, parsed once when the registry is built:
//!
//! ```text
//! string.Split:   "(char separator, StringSplitOptions options = None) -> string[]"
//! Enumerable.Where (extension): "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> IEnumerable<T>"
//! string.Length (property): "int"
//! ```
//!
//! so the table reads like the documentation it comes from. A malformed signature is a bug in
//! this table: the member is left out and the error recorded (a test checks there are none).

mod apim;
mod certificates;
mod collections;
mod core;
mod crypto;
pub(crate) mod dotnet;
mod json;
mod linq;
mod numbers;
mod regex;
pub(crate) mod regex_syntax;
pub(crate) use regex::cannot_run as regex_cannot_run;
mod strings;
pub(crate) use strings::composite_format_slip;
mod text;
mod time;
mod unimplemented;
mod xml;

use std::collections::HashMap;
use std::sync::OnceLock;

use gatehouse_diagnostics::Span;

use std::sync::Arc;

use crate::eval::{Cx, Fault};
use crate::types::{Class, EnumKind, Generic, Type};
use crate::value::{Object, Str, Value};

pub(crate) use self::apim::{fused_context_member, fused_header_lookup, fused_variable_lookup};
pub(crate) use self::core::{
    anonymous_member, append_display, compare_values, format_value, object_equals_static,
    pad_aligned, to_display_string, type_full_name, value_equals,
};
pub(crate) use self::json::{from_jtoken, to_jtoken};
pub(crate) use self::linq::{collect, enumerate};
pub(crate) use self::unimplemented::{
    unimplemented_member, unimplemented_members, unimplemented_type,
};
pub(crate) use self::xml::{
    is_xml_value_target, namespace_plus, string_to_xml_name, xml_value_cast,
};

/// Arguments of one call: almost always few, so kept inline.
pub type Args = smallvec::SmallVec<[Value; 4]>;

/// A library implementation.
pub type NativeFn = for<'a, 'b, 'c> fn(&'a mut Cx<'b>, &'a mut Call<'c>) -> Result<Value, Fault>;

/// One call of a library member.
#[derive(Debug)]
pub struct Call<'a> {
    /// The receiver; `Null` for static members and extension methods (whose receiver is the
    /// first argument).
    pub this: Value,
    /// Arguments, after defaults are filled in and `params` packed. `out` arguments are written
    /// here by the callee. A setter gets the new value last.
    pub args: Args,
    /// Type arguments: the receiver's (`T` of `List<T>`), then the method's, explicit or
    /// inferred (`As<JObject>`, `Select<T, R>`).
    pub type_args: &'a [Type],
    /// The member's name (members that share an implementation tell themselves apart by it).
    pub name: &'static str,
    pub span: Span,
}

impl Call<'_> {
    pub fn arg(&self, index: usize) -> &Value {
        self.args.get(index).unwrap_or(&Value::Null)
    }

    pub fn type_arg(&self, index: usize) -> &Type {
        self.type_args.get(index).unwrap_or(&Type::Object)
    }

    /// Writes an `out` argument.
    pub fn set_out(&mut self, index: usize, value: Value) {
        if let Some(slot) = self.args.get_mut(index) {
            *slot = value;
        }
    }

    pub fn throw(&self, class: Class, message: impl Into<String>) -> Fault {
        Fault::throw(class, message, self.span)
    }

    pub fn null_argument(&self, name: &str) -> Fault {
        self.throw(
            Class::ArgumentNullException,
            format!("Value cannot be null. (Parameter '{name}')"),
        )
    }

    pub fn out_of_range(&self, name: &str) -> Fault {
        self.throw(
            Class::ArgumentOutOfRangeException,
            format!(
                "Specified argument was out of the range of valid values. (Parameter '{name}')"
            ),
        )
    }

    pub fn argument_error(&self, message: impl Into<String>) -> Fault {
        self.throw(Class::ArgumentException, message)
    }

    pub fn format_error(&self, message: impl Into<String>) -> Fault {
        self.throw(Class::FormatException, message)
    }

    pub fn internal(&self, message: &str) -> Fault {
        crate::eval::internal(message, self.span)
    }

    /// A string argument that must not be null.
    pub fn string(&self, index: usize) -> Result<Str, Fault> {
        match self.arg(index) {
            Value::String(s) => Ok(Arc::clone(s)),
            Value::Null => Err(self.null_argument(&format!("arg{index}"))),
            _ => Err(self.internal("a string argument that is not a string")),
        }
    }

    /// A string argument that may be null.
    pub fn opt_string(&self, index: usize) -> Option<Str> {
        match self.arg(index) {
            Value::String(s) => Some(Arc::clone(s)),
            _ => None,
        }
    }

    pub fn this_string(&self) -> Result<Str, Fault> {
        match &self.this {
            Value::String(s) => Ok(Arc::clone(s)),
            Value::Null => Err(crate::eval::null_reference(self.span)),
            _ => Err(self.internal("a string receiver that is not a string")),
        }
    }

    pub fn int(&self, index: usize) -> Result<i32, Fault> {
        match self.arg(index) {
            Value::Int32(v) => Ok(*v),
            other => crate::eval::integer_of(other)
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| self.internal("an int argument that is not an int")),
        }
    }

    pub fn long(&self, index: usize) -> Result<i64, Fault> {
        crate::eval::integer_of(self.arg(index))
            .and_then(|v| i64::try_from(v).ok())
            .ok_or_else(|| self.internal("a long argument that is not an integer"))
    }

    pub fn double(&self, index: usize) -> Result<f64, Fault> {
        crate::eval::float_of(self.arg(index))
            .ok_or_else(|| self.internal("a double argument that is not a number"))
    }

    pub fn boolean(&self, index: usize) -> Result<bool, Fault> {
        match self.arg(index) {
            Value::Bool(b) => Ok(*b),
            _ => Err(self.internal("a bool argument that is not a bool")),
        }
    }

    pub fn character(&self, index: usize) -> Result<u16, Fault> {
        match self.arg(index) {
            Value::Char(c) => Ok(*c),
            _ => Err(self.internal("a char argument that is not a char")),
        }
    }

    pub fn enumeration(&self, index: usize) -> i64 {
        match self.arg(index) {
            Value::Enum(_, v) => *v,
            _ => 0,
        }
    }

    /// A `byte[]` argument, copied; null throws `ArgumentNullException`.
    pub fn bytes(&self, index: usize) -> Result<Vec<u8>, Fault> {
        bytes_of(self.arg(index)).ok_or_else(|| self.null_argument("bytes"))
    }
}

/// The content of a `byte[]` value.
pub fn bytes_of(value: &Value) -> Option<Vec<u8>> {
    match value {
        Value::Object(object) => match &**object {
            Object::Bytes(bytes) => Some(crate::value::read(bytes).clone()),
            Object::Array { items, .. } => Some(
                crate::value::read(items)
                    .iter()
                    .map(|v| crate::eval::integer_of(v).unwrap_or(0) as u8)
                    .collect(),
            ),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    Method,
    Property,
    Constructor,
    Indexer,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub ty: Type,
    pub default: Option<Value>,
    pub is_params: bool,
    pub is_out: bool,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub name: &'static str,
    pub kind: MemberKind,
    pub is_static: bool,
    /// An extension method: `params[0]` is the receiver.
    pub is_extension: bool,
    pub type_params: usize,
    /// The type parameters' names in the signature (`K`, `V`), for messages.
    pub type_param_names: Vec<String>,
    pub params: Vec<Param>,
    pub result: Type,
    pub func: NativeFn,
    pub setter: Option<NativeFn>,
}

/// Where members hang: a type's definition, regardless of its type arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    Object,
    String,
    Bool,
    Char,
    SByte,
    Byte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Decimal,
    Class(Class),
    Generic(Generic),
    Array,
    Nullable,
    Enum,
    /// Static members of one enum type (its values).
    EnumType(EnumKind),
}

impl Owner {
    /// The owners to search for a member of `ty`, most specific first, `Object` last.
    pub fn chain(ty: &Type) -> Vec<Owner> {
        let mut chain = match ty {
            Type::String => vec![Owner::String],
            Type::Bool => vec![Owner::Bool],
            Type::Char => vec![Owner::Char],
            Type::SByte => vec![Owner::SByte],
            Type::Byte => vec![Owner::Byte],
            Type::Int16 => vec![Owner::Int16],
            Type::UInt16 => vec![Owner::UInt16],
            Type::Int32 => vec![Owner::Int32],
            Type::UInt32 => vec![Owner::UInt32],
            Type::Int64 => vec![Owner::Int64],
            Type::UInt64 => vec![Owner::UInt64],
            Type::Single => vec![Owner::Single],
            Type::Double => vec![Owner::Double],
            Type::Decimal => vec![Owner::Decimal],
            Type::Nullable(_) => vec![Owner::Nullable],
            Type::Array(_) => vec![Owner::Array],
            Type::Enum(_) => vec![Owner::Enum],
            Type::Class(class) => {
                let mut owners = Vec::new();
                let mut current = Some(*class);
                while let Some(c) = current {
                    owners.push(Owner::Class(c));
                    current = c.parent();
                }
                owners
            }
            Type::Generic(generic, _) => {
                let mut owners = vec![Owner::Generic(*generic)];
                match generic {
                    Generic::List => owners.push(Owner::Generic(Generic::IList)),
                    Generic::Dictionary => {
                        owners.push(Owner::Generic(Generic::IDictionary));
                        owners.push(Owner::Generic(Generic::IReadOnlyDictionary));
                    }
                    Generic::IDictionary => {
                        owners.push(Owner::Generic(Generic::IReadOnlyDictionary))
                    }
                    _ => {}
                }
                owners
            }
            _ => Vec::new(),
        };
        chain.push(Owner::Object);
        chain
    }

    pub fn of_static(ty: &Type) -> Option<Owner> {
        match ty {
            Type::Enum(kind) => Some(Owner::EnumType(*kind)),
            other => Owner::chain(other).into_iter().next(),
        }
    }
}

/// Every member, by owner and name.
#[derive(Default)]
pub struct Registry {
    instance: HashMap<Owner, HashMap<&'static str, Vec<Member>>>,
    statics: HashMap<Owner, HashMap<&'static str, Vec<Member>>>,
    extensions: HashMap<&'static str, Vec<Member>>,
    /// `const` fields (`int.MaxValue`, `Math.PI`): C# folds them into constant expressions.
    constants: HashMap<Owner, Vec<(&'static str, Value)>>,
    constructors: HashMap<Owner, Vec<Member>>,
    indexers: HashMap<Owner, Vec<Member>>,
    /// Malformed signatures found while building (bugs in the table).
    pub errors: Vec<String>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("instance", &self.instance.len())
            .field("statics", &self.statics.len())
            .field("extensions", &self.extensions.len())
            .finish_non_exhaustive()
    }
}

/// The registry, built on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = Registry::default();
        core::register(&mut registry);
        numbers::register(&mut registry);
        strings::register(&mut registry);
        text::register(&mut registry);
        time::register(&mut registry);
        collections::register(&mut registry);
        linq::register(&mut registry);
        json::register(&mut registry);
        regex::register(&mut registry);
        crypto::register(&mut registry);
        certificates::register(&mut registry);
        xml::register(&mut registry);
        apim::register(&mut registry);
        registry
    })
}

impl Registry {
    fn build(
        &mut self,
        name: &'static str,
        kind: MemberKind,
        is_static: bool,
        signature: &str,
        func: NativeFn,
        setter: Option<NativeFn>,
    ) -> Option<Member> {
        match parse_signature(signature, kind) {
            Ok((type_param_names, params, result, is_extension)) => Some(Member {
                name,
                kind,
                is_static,
                is_extension,
                type_params: type_param_names.len(),
                type_param_names,
                params,
                result,
                func,
                setter,
            }),
            Err(error) => {
                self.errors.push(format!("{name}: `{signature}`: {error}"));
                None
            }
        }
    }

    pub(crate) fn method(
        &mut self,
        owner: Owner,
        name: &'static str,
        signature: &str,
        func: NativeFn,
    ) {
        if let Some(member) = self.build(name, MemberKind::Method, false, signature, func, None) {
            self.instance
                .entry(owner)
                .or_default()
                .entry(name)
                .or_default()
                .push(member);
        }
    }

    pub(crate) fn static_method(
        &mut self,
        owner: Owner,
        name: &'static str,
        signature: &str,
        func: NativeFn,
    ) {
        if let Some(member) = self.build(name, MemberKind::Method, true, signature, func, None) {
            self.statics
                .entry(owner)
                .or_default()
                .entry(name)
                .or_default()
                .push(member);
        }
    }

    pub(crate) fn property(
        &mut self,
        owner: Owner,
        name: &'static str,
        ty: &str,
        getter: NativeFn,
    ) {
        if let Some(member) = self.build(
            name,
            MemberKind::Property,
            false,
            &property_signature(ty),
            getter,
            None,
        ) {
            self.instance
                .entry(owner)
                .or_default()
                .entry(name)
                .or_default()
                .push(member);
        }
    }

    pub(crate) fn property_rw(
        &mut self,
        owner: Owner,
        name: &'static str,
        ty: &str,
        getter: NativeFn,
        setter: NativeFn,
    ) {
        if let Some(member) = self.build(
            name,
            MemberKind::Property,
            false,
            &property_signature(ty),
            getter,
            Some(setter),
        ) {
            self.instance
                .entry(owner)
                .or_default()
                .entry(name)
                .or_default()
                .push(member);
        }
    }

    pub(crate) fn static_property(
        &mut self,
        owner: Owner,
        name: &'static str,
        ty: &str,
        getter: NativeFn,
    ) {
        if let Some(member) = self.build(
            name,
            MemberKind::Property,
            true,
            &property_signature(ty),
            getter,
            None,
        ) {
            self.statics
                .entry(owner)
                .or_default()
                .entry(name)
                .or_default()
                .push(member);
        }
    }

    pub(crate) fn constant(&mut self, owner: Owner, name: &'static str, value: Value) {
        self.constants.entry(owner).or_default().push((name, value));
    }

    /// A `const` field of `ty`, with its value.
    pub fn static_constant(&self, ty: &Type, name: &str) -> Option<Value> {
        let owner = Owner::of_static(ty)?;
        self.constants
            .get(&owner)?
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    }

    pub(crate) fn constructor(&mut self, owner: Owner, signature: &str, func: NativeFn) {
        if let Some(member) = self.build(
            ".ctor",
            MemberKind::Constructor,
            true,
            signature,
            func,
            None,
        ) {
            self.constructors.entry(owner).or_default().push(member);
        }
    }

    pub(crate) fn indexer(
        &mut self,
        owner: Owner,
        signature: &str,
        getter: NativeFn,
        setter: Option<NativeFn>,
    ) {
        if let Some(member) = self.build(
            "this[]",
            MemberKind::Indexer,
            false,
            signature,
            getter,
            setter,
        ) {
            self.indexers.entry(owner).or_default().push(member);
        }
    }

    pub(crate) fn extension(&mut self, name: &'static str, signature: &str, func: NativeFn) {
        if let Some(member) = self.build(name, MemberKind::Method, true, signature, func, None) {
            if member.is_extension {
                self.extensions.entry(name).or_default().push(member);
            } else {
                self.errors.push(format!(
                    "{name}: `{signature}`: an extension needs a `this` parameter"
                ));
            }
        }
    }

    /// Instance members called `name` on `ty` and its bases, most specific first.
    pub fn instance_members(&self, ty: &Type, name: &str) -> Vec<&Member> {
        Owner::chain(ty)
            .into_iter()
            .filter_map(|owner| {
                self.instance
                    .get(&owner)
                    .and_then(|members| members.get(name))
            })
            .flatten()
            .collect()
    }

    pub fn static_members(&self, ty: &Type, name: &str) -> Vec<&Member> {
        let mut found: Vec<&Member> = Vec::new();
        if let Some(owner) = Owner::of_static(ty) {
            found.extend(
                self.statics
                    .get(&owner)
                    .and_then(|members| members.get(name))
                    .into_iter()
                    .flatten(),
            );
        }
        if let Type::Class(class) = ty {
            let mut current = class.parent();
            while let Some(parent) = current {
                found.extend(
                    self.statics
                        .get(&Owner::Class(parent))
                        .and_then(|members| members.get(name))
                        .into_iter()
                        .flatten(),
                );
                current = parent.parent();
            }
        }
        found
    }

    /// Every extension method, by name.
    pub fn all_extension_methods(&self) -> impl Iterator<Item = &Member> {
        self.extensions.values().flatten()
    }

    pub fn extension_methods(&self, name: &str) -> &[Member] {
        self.extensions.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn constructors(&self, ty: &Type) -> &[Member] {
        Owner::of_static(ty)
            .and_then(|owner| self.constructors.get(&owner))
            .map_or(&[], Vec::as_slice)
    }

    pub fn indexers<'r>(&'r self, ty: &Type) -> Vec<&'r Member> {
        Owner::chain(ty)
            .into_iter()
            .filter_map(|owner| self.indexers.get(&owner))
            .flatten()
            .collect()
    }

    /// Every member name of `ty` (instance or static), for "did you mean"; the checker adds the
    /// extension methods that extend `ty`.
    pub fn member_names(&self, ty: &Type, statics: bool) -> Vec<&'static str> {
        let owners = if statics {
            Owner::of_static(ty).into_iter().collect()
        } else {
            Owner::chain(ty)
        };
        let table = if statics {
            &self.statics
        } else {
            &self.instance
        };
        let mut names: Vec<&'static str> = owners
            .iter()
            .filter_map(|owner| table.get(owner))
            .flat_map(|members| members.keys().copied())
            .collect();
        if statics {
            names.extend(
                owners
                    .iter()
                    .filter_map(|owner| self.constants.get(owner))
                    .flatten()
                    .map(|(name, _)| *name),
            );
        }
        names.sort_unstable();
        names.dedup();
        names
    }
}

// ---------------------------------------------------------------- signatures

/// A property's type as a signature: `T` becomes `-> T`, `<K, V> K` becomes `<K, V> -> K`
/// (properties of generic types name the type's parameters first).
fn property_signature(ty: &str) -> String {
    match ty.strip_prefix('<').and_then(|rest| rest.split_once('>')) {
        Some((params, rest)) => format!("<{params}> -> {}", rest.trim()),
        None => format!("-> {ty}"),
    }
}

type Signature = (Vec<String>, Vec<Param>, Type, bool);

/// Parses `[<T, R>](params) -> result` (or `-> type` for a property).
fn parse_signature(text: &str, kind: MemberKind) -> Result<Signature, String> {
    let mut parser = SignatureParser {
        tokens: tokenize(text),
        pos: 0,
        type_params: Vec::new(),
    };
    if parser.eat("<") {
        loop {
            let name = parser.ident()?;
            parser.type_params.push(name);
            if parser.eat(">") {
                break;
            }
            parser.expect(",")?;
        }
    }
    let mut params = Vec::new();
    let mut is_extension = false;
    if kind != MemberKind::Property {
        parser.expect("(")?;
        if !parser.eat(")") {
            loop {
                let mut is_params = false;
                let mut is_out = false;
                if parser.eat("this") {
                    is_extension = true;
                }
                if parser.eat("params") {
                    is_params = true;
                }
                if parser.eat("out") {
                    is_out = true;
                }
                let ty = parser.ty()?;
                let name = parser.ident()?;
                let default = if parser.eat("=") {
                    Some(parser.default(&ty)?)
                } else {
                    None
                };
                params.push(Param {
                    name,
                    ty,
                    default,
                    is_params,
                    is_out,
                });
                if parser.eat(")") {
                    break;
                }
                parser.expect(",")?;
            }
        }
    }
    let result = if parser.eat("->") {
        parser.ty()?
    } else {
        Type::Void
    };
    if parser.pos != parser.tokens.len() {
        return Err(format!(
            "unexpected `{}`",
            parser.tokens.get(parser.pos).map_or("", String::as_str)
        ));
    }
    Ok((parser.type_params, params, result, is_extension))
}

fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {}
            '-' if chars.peek() == Some(&'>') => {
                chars.next();
                tokens.push("->".to_owned());
            }
            '[' if chars.peek() == Some(&']') => {
                chars.next();
                tokens.push("[]".to_owned());
            }
            '"' => {
                let mut literal = String::from("\"");
                for next in chars.by_ref() {
                    if next == '"' {
                        break;
                    }
                    literal.push(next);
                }
                tokens.push(literal);
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '-' => {
                let mut word = String::from(c);
                while let Some(&next) = chars.peek() {
                    if next.is_alphanumeric() || next == '_' || next == '.' {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(word);
            }
            other => tokens.push(other.to_string()),
        }
    }
    tokens
}

struct SignatureParser {
    tokens: Vec<String>,
    pos: usize,
    type_params: Vec<String>,
}

impl SignatureParser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.peek() == Some(token) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(format!(
                "expected `{token}`, found `{}`",
                self.peek().unwrap_or("end")
            ))
        }
    }

    fn ident(&mut self) -> Result<String, String> {
        match self.peek() {
            Some(word)
                if word
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_') =>
            {
                let word = word.to_owned();
                self.pos += 1;
                Ok(word)
            }
            other => Err(format!(
                "expected a name, found `{}`",
                other.unwrap_or("end")
            )),
        }
    }

    fn ty(&mut self) -> Result<Type, String> {
        let name = self.ident()?;
        let mut args = Vec::new();
        if self.eat("<") {
            loop {
                args.push(self.ty()?);
                if self.eat(">") {
                    break;
                }
                self.expect(",")?;
            }
        }
        let mut ty = if let Some(index) = self.type_params.iter().position(|p| *p == name) {
            Type::Param(u8::try_from(index).unwrap_or(0))
        } else {
            match name.as_str() {
                "void" => Type::Void,
                "object" => Type::Object,
                "bool" => Type::Bool,
                "char" => Type::Char,
                "sbyte" => Type::SByte,
                "byte" => Type::Byte,
                "short" => Type::Int16,
                "ushort" => Type::UInt16,
                "int" => Type::Int32,
                "uint" => Type::UInt32,
                "long" => Type::Int64,
                "ulong" => Type::UInt64,
                "float" => Type::Single,
                "double" => Type::Double,
                "decimal" => Type::Decimal,
                "string" => Type::String,
                other => {
                    Type::by_name(other, args).ok_or_else(|| format!("unknown type `{other}`"))?
                }
            }
        };
        loop {
            if self.eat("?") {
                ty = Type::nullable(ty);
            } else if self.eat("[]") {
                ty = Type::array(ty);
            } else {
                return Ok(ty);
            }
        }
    }

    fn default(&mut self, ty: &Type) -> Result<Value, String> {
        let token = self.peek().ok_or("expected a default value")?.to_owned();
        self.pos += 1;
        Ok(match (token.as_str(), ty) {
            ("null", _) => Value::Null,
            ("true", _) => Value::Bool(true),
            ("false", _) => Value::Bool(false),
            (text, Type::String) if text.starts_with('"') => {
                crate::value::new_str(text.trim_start_matches('"'))
            }
            (name, Type::Enum(kind)) => Value::Enum(
                *kind,
                kind.value_of(name)
                    .ok_or_else(|| format!("no `{name}` in {}", kind.name()))?,
            ),
            (number, Type::Int32) => Value::Int32(
                number
                    .parse()
                    .map_err(|_| format!("bad number `{number}`"))?,
            ),
            (number, Type::Int64) => Value::Int64(
                number
                    .parse()
                    .map_err(|_| format!("bad number `{number}`"))?,
            ),
            (number, Type::Double) => Value::Double(
                number
                    .parse()
                    .map_err(|_| format!("bad number `{number}`"))?,
            ),
            (other, _) => return Err(format!("cannot read default `{other}` for {ty}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_no_malformed_signatures() {
        let registry = registry();
        assert!(registry.errors.is_empty(), "{:#?}", registry.errors);
    }

    #[test]
    fn signatures() {
        let (type_params, params, result, is_extension) = parse_signature(
            "<T>(this IEnumerable<T> source, Func<T, bool> predicate) -> T",
            MemberKind::Method,
        )
        .unwrap();
        assert_eq!(type_params, ["T"]);
        assert!(is_extension);
        assert_eq!(params[1].ty.to_string(), "Func<T0, bool>");
        assert_eq!(result, Type::Param(0));
        let (_, params, result, _) = parse_signature(
            "(string s, out int result, StringComparison c = Ordinal, params char[] cs) -> bool",
            MemberKind::Method,
        )
        .unwrap();
        assert!(params[1].is_out);
        assert!(matches!(
            params[2].default,
            Some(Value::Enum(EnumKind::StringComparison, 4))
        ));
        assert!(params[3].is_params);
        assert_eq!(result, Type::Bool);
        assert!(parse_signature("(Nope x) -> int", MemberKind::Method).is_err());
    }
}
