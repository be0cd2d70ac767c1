//! Run-time values.
//!
//! A [`Value`] carries its run-time type, which is what `GetType()`, unboxing casts and `is`
//! look at. Reference types live behind an `Arc`, so identity (`object ==`,
//! `ReferenceEquals`) is pointer identity. Values are `Send + Sync`: a `JObject` stored in
//! `context.Variables` crosses `await` points in the gateway.
//!
//! Strings are `Arc<str>`. String literals are interned, as .NET interns them, so that the
//! reference comparison C# performs for `object == string` gives .NET's answer.

use std::collections::HashSet;
use std::sync::{
    Arc, Mutex, MutexGuard, OnceLock, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
};

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::context::{self, Multimap};
use crate::ir::Function;
use crate::json::JToken;
use crate::net::random::NetRandom;
use crate::net::time::{DateTime, DateTimeOffset, TimeSpan};
use crate::types::{Class, EnumKind, Type};

pub type Str = Arc<str>;

/// The one empty string: .NET returns `String.Empty` for most empty results, so empty strings
/// compare equal by reference too.
pub fn empty_str() -> Str {
    static EMPTY: OnceLock<Str> = OnceLock::new();
    Arc::clone(EMPTY.get_or_init(|| Str::from("")))
}

/// An interned string, for literals.
pub fn intern(text: &str) -> Str {
    static TABLE: OnceLock<Mutex<HashSet<Str>>> = OnceLock::new();
    if text.is_empty() {
        return empty_str();
    }
    let mut table = TABLE
        .get_or_init(|| Mutex::new(HashSet::new()))
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(existing) = table.get(text) {
        return Arc::clone(existing);
    }
    let interned = Str::from(text);
    table.insert(Arc::clone(&interned));
    interned
}

/// A string built at run time (a new instance, unless empty).
pub fn new_str(text: impl AsRef<str>) -> Value {
    let text = text.as_ref();
    if text.is_empty() {
        Value::String(empty_str())
    } else {
        Value::String(Str::from(text))
    }
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    /// A UTF-16 code unit.
    Char(u16),
    SByte(i8),
    Byte(u8),
    Int16(i16),
    UInt16(u16),
    Int32(i32),
    UInt32(u32),
    Int64(i64),
    UInt64(u64),
    Single(f32),
    Double(f64),
    Decimal(Decimal),
    String(Str),
    DateTime(DateTime),
    DateTimeOffset(DateTimeOffset),
    TimeSpan(TimeSpan),
    Guid([u8; 16]),
    Enum(EnumKind, i64),
    Json(JToken),
    Object(Arc<Object>),
}

impl Value {
    pub fn object(object: Object) -> Value {
        Value::Object(Arc::new(object))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn bytes(bytes: Vec<u8>) -> Value {
        Value::object(Object::Bytes(RwLock::new(bytes)))
    }

    pub fn array(element: Type, items: Vec<Value>) -> Value {
        if element == Type::Byte {
            let bytes = items
                .iter()
                .map(|item| if let Value::Byte(b) = item { *b } else { 0 })
                .collect();
            return Value::bytes(bytes);
        }
        Value::object(Object::Array {
            element,
            items: RwLock::new(items),
        })
    }

    pub fn string_array(items: impl IntoIterator<Item = Str>) -> Value {
        Value::array(Type::String, items.into_iter().map(Value::String).collect())
    }

    /// Reference identity, for `object ==` and `ReferenceEquals`. Value types are boxed anew
    /// each time in .NET, so two of them are never the same reference.
    pub fn same_reference(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::String(a), Value::String(b)) => Arc::ptr_eq(a, b),
            (Value::Json(a), Value::Json(b)) => Arc::ptr_eq(a, b),
            (Value::Object(a), Value::Object(b)) => {
                Arc::ptr_eq(a, b)
                    || matches!((&**a, &**b), (Object::RuntimeType(x), Object::RuntimeType(y)) if x == y)
                    || a.same_xml_name(b)
            }
            _ => false,
        }
    }

    /// The run-time type, as `GetType()` would name it.
    pub fn runtime_type(&self) -> Type {
        match self {
            Value::Null => Type::Null,
            Value::Bool(_) => Type::Bool,
            Value::Char(_) => Type::Char,
            Value::SByte(_) => Type::SByte,
            Value::Byte(_) => Type::Byte,
            Value::Int16(_) => Type::Int16,
            Value::UInt16(_) => Type::UInt16,
            Value::Int32(_) => Type::Int32,
            Value::UInt32(_) => Type::UInt32,
            Value::Int64(_) => Type::Int64,
            Value::UInt64(_) => Type::UInt64,
            Value::Single(_) => Type::Single,
            Value::Double(_) => Type::Double,
            Value::Decimal(_) => Type::Decimal,
            Value::String(_) => Type::String,
            Value::DateTime(_) => Type::Class(Class::DateTime),
            Value::DateTimeOffset(_) => Type::Class(Class::DateTimeOffset),
            Value::TimeSpan(_) => Type::Class(Class::TimeSpan),
            Value::Guid(_) => Type::Class(Class::Guid),
            Value::Enum(kind, _) => Type::Enum(*kind),
            Value::Json(token) => Type::Class(json_class(token)),
            Value::Object(object) => object.runtime_type(),
        }
    }
}

pub fn json_class(token: &JToken) -> Class {
    match &*token.read() {
        crate::json::JData::Object(_) => Class::JObject,
        crate::json::JData::Array(_) => Class::JArray,
        crate::json::JData::Property { .. } => Class::JProperty,
        crate::json::JData::Value(_) => Class::JValue,
    }
}

/// Keyed hash algorithms and plain hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashKind {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    Md5,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingKind {
    Utf8,
    Ascii,
    /// UTF-16 little-endian (`Encoding.Unicode`).
    Unicode,
    BigEndianUnicode,
    Latin1,
    Utf32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComparerKind {
    Ordinal,
    OrdinalIgnoreCase,
    InvariantCulture,
    InvariantCultureIgnoreCase,
}

/// A compiled function with the frame it closes over.
#[derive(Debug)]
pub struct Closure {
    pub function: Arc<Function>,
    pub env: Option<Arc<Frame>>,
}

/// Local variables of one activation. Closures hold on to their defining frame, so captured
/// variables are shared, as in C#.
#[derive(Debug)]
pub struct Frame {
    pub slots: Mutex<Slots>,
    pub parent: Option<Arc<Frame>>,
}

/// A frame's locals: lambdas have one or two, so they are kept inline.
pub type Slots = smallvec::SmallVec<[Value; 3]>;

impl Frame {
    pub fn new(size: usize, parent: Option<Arc<Frame>>) -> Arc<Frame> {
        Arc::new(Frame {
            slots: Mutex::new(smallvec::smallvec![Value::Null; size]),
            parent,
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A lazy LINQ sequence: nothing runs until it is enumerated, and every enumeration runs again.
#[derive(Debug)]
pub enum Sequence {
    Select {
        source: Value,
        selector: Value,
        indexed: bool,
    },
    Where {
        source: Value,
        predicate: Value,
        indexed: bool,
    },
    SelectMany {
        source: Value,
        selector: Value,
    },
    Skip {
        source: Value,
        count: i64,
    },
    Take {
        source: Value,
        count: i64,
    },
    SkipWhile {
        source: Value,
        predicate: Value,
    },
    TakeWhile {
        source: Value,
        predicate: Value,
    },
    Concat {
        first: Value,
        second: Value,
    },
    Distinct {
        source: Value,
        comparer: Option<ComparerKind>,
    },
    Reverse {
        source: Value,
    },
    OrderBy {
        source: Value,
        keys: Vec<(Value, bool)>,
    },
    Cast {
        source: Value,
        target: Type,
    },
    OfType {
        source: Value,
        target: Type,
    },
    DefaultIfEmpty {
        source: Value,
        default: Value,
    },
    Zip {
        first: Value,
        second: Value,
        selector: Value,
    },
    Range {
        start: i32,
        count: i32,
    },
    Repeat {
        value: Value,
        count: i32,
    },
    GroupBy {
        source: Value,
        key: Value,
        element: Option<Value>,
        key_type: Type,
        element_type: Type,
    },
    SetOperation {
        kind: SetKind,
        first: Value,
        second: Value,
        comparer: Option<ComparerKind>,
    },
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    Union,
    Intersect,
    Except,
}

/// A regular expression as .NET understands it, translated for `fancy-regex`.
#[derive(Debug)]
pub struct RegexObject {
    pub pattern: String,
    pub options: i64,
    pub compiled: fancy_regex::Regex,
    /// Group names and numbers in .NET's numbering.
    pub group_names: Vec<(usize, String)>,
}

/// One match, with its groups.
#[derive(Debug, Clone)]
pub struct MatchData {
    pub input: Str,
    /// Per group (0 is the whole match): start and end in UTF-16 units, or `None` if it did
    /// not take part.
    pub groups: Vec<Option<(usize, usize, Str)>>,
    pub names: Vec<(usize, String)>,
    /// The regex that matched, for `NextMatch()`.
    pub regex: Option<Arc<RegexObject>>,
}

#[derive(Debug)]
pub struct JwtData {
    pub id: Option<Str>,
    pub algorithm: Option<Str>,
    pub issuer: Option<Str>,
    pub subject: Option<Str>,
    pub token_type: Option<Str>,
    pub audiences: Vec<Str>,
    pub claims: Arc<Multimap>,
    pub expiration_time: Option<DateTime>,
    pub not_before: Option<DateTime>,
    pub issued_at: Option<DateTime>,
}

/// `Authorization`, what `get-authorization-context` stores in its variable: the access token
/// of a credential connection and the claims of the authorization server's token response.
#[derive(Debug)]
pub struct AuthorizationData {
    pub access_token: Str,
    pub claims: Vec<(Str, Value)>,
}

/// Reference-type values.
#[derive(Debug)]
pub enum Object {
    Array {
        element: Type,
        items: RwLock<Vec<Value>>,
    },
    /// `byte[]`, kept compact.
    Bytes(RwLock<Vec<u8>>),
    List {
        element: Type,
        items: RwLock<Vec<Value>>,
    },
    Dictionary {
        key: Type,
        value: Type,
        entries: RwLock<IndexMap<DictKey, (Value, Value)>>,
        ignore_case: bool,
    },
    HashSet {
        element: Type,
        items: RwLock<IndexMap<DictKey, Value>>,
        ignore_case: bool,
    },
    KeyValuePair {
        key: Value,
        value: Value,
        key_type: Type,
        value_type: Type,
    },
    /// An anonymous object: the member names (shared by every object the same `new { … }`
    /// makes) and their values.
    Anonymous {
        names: Arc<[String]>,
        values: Vec<Value>,
    },
    StringBuilder(Mutex<String>),
    Random(Mutex<NetRandom>),
    Hash {
        kind: HashKind,
        class: Class,
        key: Mutex<Option<Vec<u8>>>,
    },
    HashAlgorithmName(Str),
    Encoding(EncodingKind),
    StringComparer(ComparerKind),
    Uri(crate::net::uri::Uri),
    Regex(Arc<RegexObject>),
    Match(Arc<MatchData>),
    /// A group of a match: the match and the group's number.
    Group(Arc<MatchData>, usize),
    Groups(Arc<MatchData>),
    Matches(Vec<Value>),
    Exception {
        class: Class,
        message: String,
    },
    Closure(Closure),
    Sequence(Sequence),
    /// Materialised, ordered query result (`OrderBy` keeps `IOrderedEnumerable`).
    Grouping {
        key: Value,
        items: Vec<Value>,
    },
    Xml(crate::xml::XNode),
    /// Atomized in .NET: equal names are the same object, so they compare by value here.
    XName {
        namespace: Str,
        local: Str,
    },
    /// A namespace URI (`XNamespace`); empty for `XNamespace.None`. Atomized like `XName`.
    XNamespace(Str),
    // APIM
    Context,
    Request(Arc<context::Request>),
    Response(Arc<context::Response>),
    Url(Arc<context::Url>),
    /// Headers, query parameters or claims: `IReadOnlyDictionary<string, string[]>`.
    Multimap(Arc<Multimap>),
    MatchedParameters(Arc<IndexMap<Str, Str>>),
    Variables,
    Body(Arc<context::Body>),
    Api(Arc<context::Api>),
    Operation(Arc<context::Operation>),
    Product(Arc<context::Product>),
    Subscription(Arc<context::Subscription>),
    User(Arc<context::User>),
    UserGroup(Arc<context::Group>),
    UserIdentity(Arc<context::UserIdentity>),
    /// `IApi.SubscriptionKeyParameterNames`, read from its API.
    SubscriptionKeyParameterNames(Arc<context::Api>),
    PrivateEndpointConnection(Arc<context::PrivateEndpointConnection>),
    Deployment(Arc<context::Deployment>),
    /// `IDeployment.Gateway`, read from its deployment.
    Gateway(Arc<context::Deployment>),
    /// `IDeployment.SustainabilityInfo`, read from its deployment.
    SustainabilityInfo(Arc<context::Deployment>),
    LastError(Arc<context::LastError>),
    GraphQl(Arc<context::GraphQl>),
    Jwt(Arc<JwtData>),
    Authorization(Arc<AuthorizationData>),
    BasicAuth {
        user_id: Str,
        password: Str,
    },
    /// `X509Certificate2`, read from DER bytes.
    X509Certificate(Arc<crate::net::certificate::Certificate>),
    /// `X500DistinguishedName` (`SubjectName`, `IssuerName`): its `Name`.
    DistinguishedName(Str),
    /// A `System.Type` (`GetType()`, `typeof`). .NET has one object per type, so these compare
    /// by the type they describe.
    RuntimeType(Type),
}

/// A dictionary key: strings (optionally folded), integers, chars, GUIDs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DictKey {
    String(String),
    Integer(i128),
    Bool(bool),
    Guid([u8; 16]),
    Other(String),
}

impl Object {
    /// `XName`s and `XNamespace`s are atomized in .NET: equal ones are one object.
    pub fn same_xml_name(&self, other: &Object) -> bool {
        match (self, other) {
            (
                Object::XName {
                    namespace: n1,
                    local: l1,
                },
                Object::XName {
                    namespace: n2,
                    local: l2,
                },
            ) => n1 == n2 && l1 == l2,
            (Object::XNamespace(x), Object::XNamespace(y)) => x == y,
            _ => false,
        }
    }

    pub fn runtime_type(&self) -> Type {
        match self {
            Object::Array { element, .. } => Type::array(element.clone()),
            Object::Bytes(_) => Type::array(Type::Byte),
            Object::List { element, .. } => Type::list(element.clone()),
            Object::Dictionary { key, value, .. } => Type::Generic(
                crate::types::Generic::Dictionary,
                vec![key.clone(), value.clone()],
            ),
            Object::HashSet { element, .. } => {
                Type::Generic(crate::types::Generic::HashSet, vec![element.clone()])
            }
            Object::KeyValuePair {
                key_type,
                value_type,
                ..
            } => Type::Generic(
                crate::types::Generic::KeyValuePair,
                vec![key_type.clone(), value_type.clone()],
            ),
            Object::Anonymous { names, values } => Type::Anonymous(
                names
                    .iter()
                    .zip(values)
                    .map(|(name, value)| (name.clone(), value.runtime_type()))
                    .collect(),
            ),
            Object::StringBuilder(_) => Type::Class(Class::StringBuilder),
            Object::Random(_) => Type::Class(Class::Random),
            Object::Hash { class, .. } => Type::Class(*class),
            Object::HashAlgorithmName(_) => Type::Class(Class::HashAlgorithmName),
            Object::Encoding(_) => Type::Class(Class::Encoding),
            Object::StringComparer(_) => Type::Class(Class::StringComparer),
            Object::Uri(_) => Type::Class(Class::Uri),
            Object::Regex(_) => Type::Class(Class::Regex),
            Object::Match(_) => Type::Class(Class::Match),
            Object::Group(..) => Type::Class(Class::Group),
            Object::Groups(_) => Type::Class(Class::GroupCollection),
            Object::Matches(_) => Type::Class(Class::MatchCollection),
            Object::Exception { class, .. } => Type::Class(*class),
            Object::Closure(closure) => closure.function.signature.clone(),
            Object::Sequence(_) => Type::enumerable(Type::Object),
            Object::Grouping { .. } => Type::Generic(
                crate::types::Generic::IGrouping,
                vec![Type::Object, Type::Object],
            ),
            Object::Xml(node) => Type::Class(node.class()),
            Object::XName { .. } => Type::Class(Class::XName),
            Object::XNamespace(_) => Type::Class(Class::XNamespace),
            Object::Context => Type::Class(Class::Context),
            Object::Request(_) => Type::Class(Class::Request),
            Object::Response(_) => Type::Class(Class::Response),
            Object::Url(_) => Type::Class(Class::Url),
            Object::Multimap(_) => Type::Generic(
                crate::types::Generic::IReadOnlyDictionary,
                vec![Type::String, Type::array(Type::String)],
            ),
            Object::MatchedParameters(_) => Type::Generic(
                crate::types::Generic::IReadOnlyDictionary,
                vec![Type::String, Type::String],
            ),
            Object::Variables => Type::Generic(
                crate::types::Generic::IReadOnlyDictionary,
                vec![Type::String, Type::Object],
            ),
            Object::Body(_) => Type::Class(Class::MessageBody),
            Object::Api(_) => Type::Class(Class::Api),
            Object::Operation(_) => Type::Class(Class::Operation),
            Object::Product(_) => Type::Class(Class::Product),
            Object::Subscription(_) => Type::Class(Class::Subscription),
            Object::User(_) => Type::Class(Class::User),
            Object::UserGroup(_) => Type::Class(Class::UserGroup),
            Object::UserIdentity(_) => Type::Class(Class::UserIdentity),
            Object::SubscriptionKeyParameterNames(_) => {
                Type::Class(Class::SubscriptionKeyParameterNames)
            }
            Object::PrivateEndpointConnection(_) => Type::Class(Class::PrivateEndpointConnection),
            Object::Deployment(_) => Type::Class(Class::Deployment),
            Object::Gateway(_) => Type::Class(Class::Gateway),
            Object::SustainabilityInfo(_) => Type::Class(Class::SustainabilityInfo),
            Object::LastError(_) => Type::Class(Class::LastError),
            Object::GraphQl(_) => Type::Class(Class::GraphQl),
            Object::Jwt(_) => Type::Class(Class::Jwt),
            Object::Authorization(_) => Type::Class(Class::Authorization),
            Object::BasicAuth { .. } => Type::Class(Class::BasicAuthCredentials),
            Object::X509Certificate(_) => Type::Class(Class::X509Certificate2),
            Object::DistinguishedName(_) => Type::Class(Class::X500DistinguishedName),
            Object::RuntimeType(_) => Type::Class(Class::SystemType),
        }
    }
}

pub fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(PoisonError::into_inner)
}

pub fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(PoisonError::into_inner)
}

pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
