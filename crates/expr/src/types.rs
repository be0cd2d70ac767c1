//! C# static types, as far as policy expressions need them.
//!
//! C# picks operators, overloads and conversions from compile-time types, so the checker gives
//! every expression one: `(string)x` unboxes when `x` is `object` and calls Newtonsoft's
//! explicit operator when `x` is `JToken`; `a == b` compares references when either side is
//! `object`; `+` concatenates when either side is `string`.

use std::fmt;

/// Generic type definitions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generic {
    IEnumerable,
    IOrderedEnumerable,
    List,
    Dictionary,
    IReadOnlyDictionary,
    IDictionary,
    IList,
    KeyValuePair,
    HashSet,
    IGrouping,
}

impl Generic {
    pub fn name(self) -> &'static str {
        match self {
            Generic::IEnumerable => "IEnumerable",
            Generic::IOrderedEnumerable => "IOrderedEnumerable",
            Generic::List => "List",
            Generic::Dictionary => "Dictionary",
            Generic::IReadOnlyDictionary => "IReadOnlyDictionary",
            Generic::IDictionary => "IDictionary",
            Generic::IList => "IList",
            Generic::KeyValuePair => "KeyValuePair",
            Generic::HashSet => "HashSet",
            Generic::IGrouping => "IGrouping",
        }
    }

    pub fn arity(self) -> usize {
        match self {
            Generic::Dictionary
            | Generic::IReadOnlyDictionary
            | Generic::IDictionary
            | Generic::KeyValuePair
            | Generic::IGrouping => 2,
            _ => 1,
        }
    }

    fn from_name(name: &str) -> Option<Generic> {
        Some(match name {
            "IEnumerable" => Generic::IEnumerable,
            "IOrderedEnumerable" => Generic::IOrderedEnumerable,
            "List" => Generic::List,
            "Dictionary" => Generic::Dictionary,
            "IReadOnlyDictionary" => Generic::IReadOnlyDictionary,
            "IDictionary" => Generic::IDictionary,
            "IList" | "ICollection" | "IReadOnlyList" | "IReadOnlyCollection" => Generic::IList,
            "KeyValuePair" => Generic::KeyValuePair,
            "HashSet" | "ISet" => Generic::HashSet,
            "IGrouping" => Generic::IGrouping,
            _ => return None,
        })
    }
}

macro_rules! classes {
    ($( $variant:ident $name:literal $namespace:literal $parent:ident $kind:ident; )*) => {
        /// Non-generic library types, with their base class.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Class {
            $( $variant, )*
        }

        impl Class {
            pub const ALL: &'static [Class] = &[ $( Class::$variant, )* ];

            pub fn name(self) -> &'static str {
                match self { $( Class::$variant => $name, )* }
            }

            pub fn namespace(self) -> &'static str {
                match self { $( Class::$variant => $namespace, )* }
            }

            /// The base class; `None` for classes directly under `object`.
            pub fn parent(self) -> Option<Class> {
                match self { $( Class::$variant => classes!(@parent $parent), )* }
            }

            pub fn kind(self) -> ClassKind {
                match self { $( Class::$variant => ClassKind::$kind, )* }
            }
        }
    };
    (@parent Root) => { None };
    (@parent $parent:ident) => { Some(Class::$parent) };
}

/// What sort of type a class is: it decides nullability, boxing and whether `new` works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClassKind {
    /// A struct: never null, boxed when stored as `object`.
    Value,
    /// A class that can be instantiated.
    Reference,
    /// A class or interface that cannot be instantiated (abstract, interface).
    Abstract,
    /// Static members only (`Math`, `Convert`).
    Static,
    /// On the APIM deny list: naming it is an error.
    Forbidden,
}

classes! {
    // System value types
    DateTime "DateTime" "System" Root Value;
    DateTimeOffset "DateTimeOffset" "System" Root Value;
    TimeSpan "TimeSpan" "System" Root Value;
    Guid "Guid" "System" Root Value;
    // System
    Math "Math" "System" Root Static;
    Convert "Convert" "System" Root Static;
    BitConverter "BitConverter" "System" Root Static;
    Array "Array" "System" Root Static;
    Enumerable "Enumerable" "System.Linq" Root Static;
    Random "Random" "System" Root Reference;
    Uri "Uri" "System" Root Reference;
    StringComparer "StringComparer" "System" Root Abstract;
    Exception "Exception" "System" Root Reference;
    ArgumentException "ArgumentException" "System" Exception Reference;
    ArgumentNullException "ArgumentNullException" "System" ArgumentException Reference;
    ArgumentOutOfRangeException "ArgumentOutOfRangeException" "System" ArgumentException Reference;
    FormatException "FormatException" "System" Exception Reference;
    InvalidOperationException "InvalidOperationException" "System" Exception Reference;
    InvalidCastException "InvalidCastException" "System" Exception Reference;
    NullReferenceException "NullReferenceException" "System" Exception Reference;
    IndexOutOfRangeException "IndexOutOfRangeException" "System" Exception Reference;
    OverflowException "OverflowException" "System" ArithmeticException Reference;
    ArithmeticException "ArithmeticException" "System" Exception Reference;
    DivideByZeroException "DivideByZeroException" "System" ArithmeticException Reference;
    KeyNotFoundException "KeyNotFoundException" "System.Collections.Generic" Exception Reference;
    NotSupportedException "NotSupportedException" "System" Exception Reference;
    JsonException "JsonException" "Newtonsoft.Json" Exception Reference;
    JsonReaderException "JsonReaderException" "Newtonsoft.Json" JsonException Reference;
    JsonSerializationException "JsonSerializationException" "Newtonsoft.Json" JsonException Reference;
    UriFormatException "UriFormatException" "System" FormatException Reference;
    RegexMatchTimeoutException "RegexMatchTimeoutException" "System.Text.RegularExpressions" Exception Reference;
    CryptographicException "CryptographicException" "System.Security.Cryptography" Exception Reference;
    XmlException "XmlException" "System.Xml" Exception Reference;
    // System.Text
    Encoding "Encoding" "System.Text" Root Abstract;
    StringBuilder "StringBuilder" "System.Text" Root Reference;
    Regex "Regex" "System.Text.RegularExpressions" Root Reference;
    Match "Match" "System.Text.RegularExpressions" Group Reference;
    Group "Group" "System.Text.RegularExpressions" Capture Reference;
    Capture "Capture" "System.Text.RegularExpressions" Root Reference;
    GroupCollection "GroupCollection" "System.Text.RegularExpressions" Root Reference;
    MatchCollection "MatchCollection" "System.Text.RegularExpressions" Root Reference;
    // System.Net
    WebUtility "WebUtility" "System.Net" Root Static;
    // Newtonsoft.Json
    JToken "JToken" "Newtonsoft.Json.Linq" Root Abstract;
    JContainer "JContainer" "Newtonsoft.Json.Linq" JToken Abstract;
    JObject "JObject" "Newtonsoft.Json.Linq" JContainer Reference;
    JArray "JArray" "Newtonsoft.Json.Linq" JContainer Reference;
    JProperty "JProperty" "Newtonsoft.Json.Linq" JContainer Reference;
    JValue "JValue" "Newtonsoft.Json.Linq" JToken Reference;
    JsonConvert "JsonConvert" "Newtonsoft.Json" Root Static;
    // System.Xml.Linq
    XObject "XObject" "System.Xml.Linq" Root Abstract;
    XNode "XNode" "System.Xml.Linq" XObject Abstract;
    XContainer "XContainer" "System.Xml.Linq" XNode Abstract;
    XDocument "XDocument" "System.Xml.Linq" XContainer Reference;
    XElement "XElement" "System.Xml.Linq" XContainer Reference;
    XAttribute "XAttribute" "System.Xml.Linq" XObject Reference;
    XText "XText" "System.Xml.Linq" XNode Reference;
    XCData "XCData" "System.Xml.Linq" XText Reference;
    XComment "XComment" "System.Xml.Linq" XNode Reference;
    XName "XName" "System.Xml.Linq" Root Reference;
    XNamespace "XNamespace" "System.Xml.Linq" Root Reference;
    // System.Security.Cryptography
    HashAlgorithm "HashAlgorithm" "System.Security.Cryptography" Root Abstract;
    KeyedHashAlgorithm "KeyedHashAlgorithm" "System.Security.Cryptography" HashAlgorithm Abstract;
    Hmac "HMAC" "System.Security.Cryptography" KeyedHashAlgorithm Abstract;
    HmacSha256 "HMACSHA256" "System.Security.Cryptography" Hmac Reference;
    HmacSha1 "HMACSHA1" "System.Security.Cryptography" Hmac Reference;
    HmacSha384 "HMACSHA384" "System.Security.Cryptography" Hmac Reference;
    HmacSha512 "HMACSHA512" "System.Security.Cryptography" Hmac Reference;
    HmacMd5 "HMACMD5" "System.Security.Cryptography" Hmac Reference;
    Sha256 "SHA256" "System.Security.Cryptography" HashAlgorithm Abstract;
    Sha1 "SHA1" "System.Security.Cryptography" HashAlgorithm Abstract;
    Sha384 "SHA384" "System.Security.Cryptography" HashAlgorithm Abstract;
    Sha512 "SHA512" "System.Security.Cryptography" HashAlgorithm Abstract;
    Md5 "MD5" "System.Security.Cryptography" HashAlgorithm Abstract;
    HashAlgorithmName "HashAlgorithmName" "System.Security.Cryptography" Root Value;
    // APIM
    Context "IProxyRequestContext" "Microsoft.Azure.ApiManagement" Root Abstract;
    Request "IRequest" "Microsoft.Azure.ApiManagement" Root Abstract;
    Response "IResponse" "Microsoft.Azure.ApiManagement" Root Abstract;
    Url "IUrl" "Microsoft.Azure.ApiManagement" Root Abstract;
    MessageBody "IMessageBody" "Microsoft.Azure.ApiManagement" Root Abstract;
    Api "IApi" "Microsoft.Azure.ApiManagement" Root Abstract;
    Operation "IOperation" "Microsoft.Azure.ApiManagement" Root Abstract;
    Product "IProduct" "Microsoft.Azure.ApiManagement" Root Abstract;
    Subscription "ISubscription" "Microsoft.Azure.ApiManagement" Root Abstract;
    User "IUser" "Microsoft.Azure.ApiManagement" Root Abstract;
    UserGroup "IGroup" "Microsoft.Azure.ApiManagement" Root Abstract;
    UserIdentity "IUserIdentity" "Microsoft.Azure.ApiManagement" Root Abstract;
    SubscriptionKeyParameterNames "ISubscriptionKeyParameterNames" "Microsoft.Azure.ApiManagement" Root Abstract;
    PrivateEndpointConnection "IPrivateEndpointConnection" "Microsoft.Azure.ApiManagement" Root Abstract;
    Deployment "IDeployment" "Microsoft.Azure.ApiManagement" Root Abstract;
    Gateway "IGateway" "Microsoft.Azure.ApiManagement" Root Abstract;
    SustainabilityInfo "ISustainabilityInfo" "Microsoft.Azure.ApiManagement" Root Abstract;
    LastError "ILastError" "Microsoft.Azure.ApiManagement" Root Abstract;
    GraphQl "IGraphQLContext" "Microsoft.Azure.ApiManagement" Root Abstract;
    Jwt "Jwt" "Microsoft.Azure.ApiManagement" Root Abstract;
    Authorization "Authorization" "Microsoft.Azure.ApiManagement" Root Abstract;
    // The static class of APIM's extension methods (`AsJwt`, `TryParseBasic` …).
    ExpressionSyntaxExtensions "ExpressionSyntaxExtensions" "Microsoft.Azure.ApiManagement" Root Abstract;
    BasicAuthCredentials "BasicAuthCredentials" "Microsoft.Azure.ApiManagement" Root Abstract;
    // Allowed by APIM, but with no members Gatehouse implements.
    X509Certificate2 "X509Certificate2" "System.Security.Cryptography.X509Certificates" Root Reference;
    X500DistinguishedName "X500DistinguishedName" "System.Security.Cryptography.X509Certificates" Root Reference;
    SystemType "Type" "System" Root Abstract;
    // Not on APIM's allow-list.
    XmlDocument "XmlDocument" "System.Xml" Root Forbidden;
    XmlReader "XmlReader" "System.Xml" Root Forbidden;
    StringReader "StringReader" "System.IO" Root Reference;
    RsaCng "RSACng" "System.Security.Cryptography" Root Forbidden;
    Environment "Environment" "System" Root Forbidden;
    File "File" "System.IO" Root Forbidden;
    HttpClient "HttpClient" "System.Net.Http" Root Forbidden;
    CultureInfo "CultureInfo" "System.Globalization" Root Forbidden;
    HttpUtility "HttpUtility" "System.Web" Root Forbidden;
}

impl Class {
    /// Is this class `ancestor` or derived from it?
    pub fn derives_from(self, ancestor: Class) -> bool {
        let mut current = Some(self);
        while let Some(class) = current {
            if class == ancestor {
                return true;
            }
            current = class.parent();
        }
        false
    }

    pub fn is_value_type(self) -> bool {
        self.kind() == ClassKind::Value
    }

    pub fn is_exception(self) -> bool {
        self.derives_from(Class::Exception)
    }
}

macro_rules! enums {
    ($( $variant:ident $name:literal [ $( $member:ident = $value:literal ),* $(,)? ]; )*) => {
        /// Library enums, with their members' names and values.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum EnumKind {
            $( $variant, )*
        }

        impl EnumKind {
            pub const ALL: &'static [EnumKind] = &[ $( EnumKind::$variant, )* ];

            pub fn name(self) -> &'static str {
                match self { $( EnumKind::$variant => $name, )* }
            }

            pub fn members(self) -> &'static [(&'static str, i64)] {
                match self { $( EnumKind::$variant => &[ $( (stringify!($member), $value), )* ], )* }
            }
        }
    };
}

enums! {
    StringComparison "StringComparison" [
        CurrentCulture = 0, CurrentCultureIgnoreCase = 1, InvariantCulture = 2,
        InvariantCultureIgnoreCase = 3, Ordinal = 4, OrdinalIgnoreCase = 5,
    ];
    StringSplitOptions "StringSplitOptions" [None = 0, RemoveEmptyEntries = 1, TrimEntries = 2];
    RegexOptions "RegexOptions" [
        None = 0, IgnoreCase = 1, Multiline = 2, ExplicitCapture = 4, Compiled = 8,
        Singleline = 16, IgnorePatternWhitespace = 32, RightToLeft = 64, ECMAScript = 256,
        CultureInvariant = 512,
    ];
    Formatting "Formatting" [None = 0, Indented = 1];
    JTokenType "JTokenType" [
        None = 0, Object = 1, Array = 2, Constructor = 3, Property = 4, Comment = 5,
        Integer = 6, Float = 7, String = 8, Boolean = 9, Null = 10, Undefined = 11, Date = 12,
        Raw = 13, Bytes = 14, Guid = 15, Uri = 16, TimeSpan = 17,
    ];
    DateTimeKind "DateTimeKind" [Unspecified = 0, Utc = 1, Local = 2];
    DayOfWeek "DayOfWeek" [
        Sunday = 0, Monday = 1, Tuesday = 2, Wednesday = 3, Thursday = 4, Friday = 5, Saturday = 6,
    ];
    MidpointRounding "MidpointRounding" [ToEven = 0, AwayFromZero = 1, ToZero = 2, ToNegativeInfinity = 3, ToPositiveInfinity = 4];
    UriPartial "UriPartial" [Scheme = 0, Authority = 1, Path = 2, Query = 3];
    UriKind "UriKind" [RelativeOrAbsolute = 0, Absolute = 1, Relative = 2];
    // `IProduct.State` (api-management-policy-expressions.md: `enum ProductState {NotPublished,
    // Published}`).
    ProductState "ProductState" [NotPublished = 0, Published = 1];
    // `context.Deployment.SustainabilityInfo.CurrentCarbonIntensity`
    // (api-management-sustainability.md: "Carbon intensity categories"; the policy toolkit's
    // `CarbonIntensityCategory` gives the order, which `>=` compares).
    CarbonIntensityCategory "CarbonIntensityCategory" [
        NotAvailable = 0, VeryLow = 1, Low = 2, Medium = 3, High = 4, VeryHigh = 5,
    ];
}

impl EnumKind {
    pub fn value_of(self, member: &str) -> Option<i64> {
        self.members()
            .iter()
            .find(|(name, _)| *name == member)
            .map(|(_, value)| *value)
    }

    pub fn member_name(self, value: i64) -> Option<&'static str> {
        self.members()
            .iter()
            .find(|(_, member)| *member == value)
            .map(|(name, _)| *name)
    }

    /// Enums whose values combine as bit flags (their `ToString` lists members).
    pub fn is_flags(self) -> bool {
        matches!(self, EnumKind::RegexOptions | EnumKind::StringSplitOptions)
    }
}

/// A static type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// An error was already reported, or the value is opaque (a named value in lint): anything
    /// goes and nothing more is reported about it.
    Unknown,
    /// The type of the `null` literal.
    Null,
    Void,
    Object,
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
    String,
    Nullable(Box<Type>),
    Array(Box<Type>),
    Generic(Generic, Vec<Type>),
    Class(Class),
    Enum(EnumKind),
    /// `Func<…, TResult>` (or `Action<…>` with a `Void` result, `Predicate<T>` as
    /// `Func<T, bool>`).
    Func(Vec<Type>, Box<Type>),
    /// An anonymous object type: member names and types, in order.
    Anonymous(Vec<(String, Type)>),
    /// A generic method's type parameter, in signatures only.
    Param(u8),
}

impl Type {
    pub fn enumerable(element: Type) -> Type {
        Type::Generic(Generic::IEnumerable, vec![element])
    }

    pub fn array(element: Type) -> Type {
        Type::Array(Box::new(element))
    }

    pub fn list(element: Type) -> Type {
        Type::Generic(Generic::List, vec![element])
    }

    pub fn nullable(inner: Type) -> Type {
        if inner.is_value_type() {
            Type::Nullable(Box::new(inner))
        } else {
            inner
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Type::Unknown)
    }

    pub fn is_integral(&self) -> bool {
        matches!(
            self,
            Type::SByte
                | Type::Byte
                | Type::Int16
                | Type::UInt16
                | Type::Int32
                | Type::UInt32
                | Type::Int64
                | Type::UInt64
                | Type::Char
        )
    }

    pub fn is_numeric(&self) -> bool {
        self.is_integral() || matches!(self, Type::Single | Type::Double | Type::Decimal)
    }

    /// Structs: never null, boxed as `object`.
    pub fn is_value_type(&self) -> bool {
        match self {
            Type::Bool
            | Type::Nullable(_)
            | Type::Enum(_)
            | Type::Generic(Generic::KeyValuePair, _) => true,
            Type::Class(class) => class.is_value_type(),
            other => other.is_numeric(),
        }
    }

    /// Can hold `null`.
    pub fn is_nullable(&self) -> bool {
        match self {
            Type::Unknown | Type::Null | Type::Nullable(_) => true,
            Type::Void => false,
            other => !other.is_value_type(),
        }
    }

    /// `T` of `T?`, else itself.
    pub fn underlying(&self) -> &Type {
        match self {
            Type::Nullable(inner) => inner,
            other => other,
        }
    }

    pub fn is_class(&self, class: Class) -> bool {
        matches!(self, Type::Class(c) if c.derives_from(class))
    }

    /// The element type when this type is enumerable (`IEnumerable<T>` and everything that
    /// implements it). Strings enumerate chars; dictionaries key/value pairs; `JObject`
    /// key/value pairs of `string` and `JToken`; other containers `JToken`s. Every `JToken`
    /// is an `IEnumerable<JToken>`, a `JValue` too (of no children), so `val.Value<string>()`
    /// reaches Newtonsoft's `Value<U>(this IEnumerable<JToken>)` extension.
    pub fn element_type(&self) -> Option<Type> {
        match self {
            Type::String => Some(Type::Char),
            Type::Array(element) => Some((**element).clone()),
            Type::Generic(generic, args) => match generic {
                Generic::IEnumerable
                | Generic::IOrderedEnumerable
                | Generic::List
                | Generic::IList
                | Generic::HashSet => args.first().cloned(),
                Generic::IGrouping => args.get(1).cloned(),
                Generic::Dictionary | Generic::IReadOnlyDictionary | Generic::IDictionary => {
                    Some(Type::Generic(Generic::KeyValuePair, args.clone()))
                }
                Generic::KeyValuePair => None,
            },
            Type::Class(Class::JObject) => Some(Type::Generic(
                Generic::KeyValuePair,
                vec![Type::String, Type::Class(Class::JToken)],
            )),
            Type::Class(
                Class::JArray
                | Class::JToken
                | Class::JContainer
                | Class::JProperty
                | Class::JValue,
            ) => Some(Type::Class(Class::JToken)),
            Type::Class(Class::MatchCollection) => Some(Type::Class(Class::Match)),
            Type::Class(Class::GroupCollection) => Some(Type::Class(Class::Group)),
            _ => None,
        }
    }

    /// The C# spelling, for messages.
    pub fn display(&self) -> String {
        self.to_string()
    }

    /// Looks a type up by its C# name (`Encoding`, `System.Text.Encoding`) with `args`.
    pub fn by_name(name: &str, args: Vec<Type>) -> Option<Type> {
        let simple = name.rsplit('.').next().unwrap_or(name);
        if let Some(generic) = Generic::from_name(simple) {
            if args.len() == generic.arity() {
                return Some(Type::Generic(generic, args));
            }
            return None;
        }
        if simple == "Func" || simple == "Action" || simple == "Predicate" {
            let mut args = args;
            return match simple {
                "Func" => {
                    let result = args.pop()?;
                    Some(Type::Func(args, Box::new(result)))
                }
                "Action" => Some(Type::Func(args, Box::new(Type::Void))),
                _ => (args.len() == 1).then(|| Type::Func(args, Box::new(Type::Bool))),
            };
        }
        if simple == "Nullable" {
            let mut args = args;
            return (args.len() == 1).then(|| Type::nullable(args.remove(0)));
        }
        if !args.is_empty() {
            return None;
        }
        let primitive = match simple {
            "String" => Some(Type::String),
            "Object" => Some(Type::Object),
            "Boolean" => Some(Type::Bool),
            "Char" => Some(Type::Char),
            "SByte" => Some(Type::SByte),
            "Byte" => Some(Type::Byte),
            "Int16" => Some(Type::Int16),
            "UInt16" => Some(Type::UInt16),
            "Int32" => Some(Type::Int32),
            "UInt32" => Some(Type::UInt32),
            "Int64" => Some(Type::Int64),
            "UInt64" => Some(Type::UInt64),
            "Single" => Some(Type::Single),
            "Double" => Some(Type::Double),
            "Decimal" => Some(Type::Decimal),
            _ => None,
        };
        if primitive.is_some() {
            return primitive;
        }
        if let Some(kind) = EnumKind::ALL.iter().find(|kind| kind.name() == simple) {
            return Some(Type::Enum(*kind));
        }
        Class::ALL
            .iter()
            .find(|class| class.name() == simple || aliases(**class).contains(&simple))
            .map(|class| Type::Class(*class))
    }
}

/// Other names a class answers to (the interfaces the toolkit and docs use).
fn aliases(class: Class) -> &'static [&'static str] {
    match class {
        Class::Context => &["IProxyRequestContext", "IContext"],
        Class::Api => &["IApi", "IContextApi"],
        Class::Hmac => &["HMAC"],
        _ => &[],
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Unknown => f.write_str("?"),
            Type::Null => f.write_str("null"),
            Type::Void => f.write_str("void"),
            Type::Object => f.write_str("object"),
            Type::Bool => f.write_str("bool"),
            Type::Char => f.write_str("char"),
            Type::SByte => f.write_str("sbyte"),
            Type::Byte => f.write_str("byte"),
            Type::Int16 => f.write_str("short"),
            Type::UInt16 => f.write_str("ushort"),
            Type::Int32 => f.write_str("int"),
            Type::UInt32 => f.write_str("uint"),
            Type::Int64 => f.write_str("long"),
            Type::UInt64 => f.write_str("ulong"),
            Type::Single => f.write_str("float"),
            Type::Double => f.write_str("double"),
            Type::Decimal => f.write_str("decimal"),
            Type::String => f.write_str("string"),
            Type::Nullable(inner) => write!(f, "{inner}?"),
            Type::Array(element) => write!(f, "{element}[]"),
            Type::Generic(generic, args) => {
                write!(f, "{}<", generic.name())?;
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(">")
            }
            Type::Class(class) => f.write_str(class.name()),
            Type::Enum(kind) => f.write_str(kind.name()),
            Type::Func(params, result) => {
                if **result == Type::Void {
                    f.write_str("Action")?;
                    if params.is_empty() {
                        return Ok(());
                    }
                    f.write_str("<")?;
                } else {
                    f.write_str("Func<")?;
                }
                for param in params {
                    write!(f, "{param}, ")?;
                }
                if **result != Type::Void {
                    write!(f, "{result}")?;
                }
                f.write_str(">")
            }
            Type::Anonymous(members) => {
                f.write_str("new { ")?;
                for (index, (name, ty)) in members.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{ty} {name}")?;
                }
                f.write_str(" }")
            }
            Type::Param(index) => write!(f, "T{index}"),
        }
    }
}

// ---------------------------------------------------------------- conversions

/// How a value of one static type becomes another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conversion {
    Identity,
    /// Widening or narrowing between numeric types (and char), to this type.
    Numeric(Type),
    /// A value type to `object` or an interface: nothing to do at run time.
    Boxing,
    /// To a base class or interface: nothing to do at run time.
    Upcast,
    /// `object` (or a base class) to a value type: the run-time type must be exactly it.
    Unbox(Type),
    /// `object` (or a base class) to a reference type: the run-time type must derive from it.
    Downcast(Type),
    /// `T` to `T?`.
    WrapNullable,
    /// `T?` to `T`: throws on null.
    UnwrapNullable,
    /// `null` to a reference or nullable type.
    NullLiteral,
    /// Newtonsoft's implicit operators: a .NET value to `JToken`.
    ToJToken,
    /// Newtonsoft's explicit operators: `JToken` to a .NET value.
    FromJToken(Type),
    /// Between an enum and its underlying integer.
    EnumInteger(Type),
    /// An array or sequence to `IEnumerable<T>` (and other covariant reference conversions).
    Sequence,
    /// `DateTime` to `DateTimeOffset` (a user-defined implicit operator in .NET).
    DateToOffset,
    /// `string` to `XName` or `XNamespace` (LINQ to XML's implicit operators).
    ToXmlName(Class),
}

fn numeric_rank(ty: &Type) -> Option<u8> {
    Some(match ty {
        Type::SByte => 0,
        Type::Byte => 1,
        Type::Int16 => 2,
        Type::UInt16 => 3,
        Type::Char => 4,
        Type::Int32 => 5,
        Type::UInt32 => 6,
        Type::Int64 => 7,
        Type::UInt64 => 8,
        Type::Single => 9,
        Type::Double => 10,
        Type::Decimal => 11,
        _ => return None,
    })
}

/// C#'s implicit numeric conversions (spec 6.1.2).
pub fn implicit_numeric(from: &Type, to: &Type) -> bool {
    use Type::*;
    matches!(
        (from, to),
        (SByte, Int16 | Int32 | Int64 | Single | Double | Decimal)
            | (
                Byte,
                Int16 | UInt16 | Int32 | UInt32 | Int64 | UInt64 | Single | Double | Decimal
            )
            | (Int16, Int32 | Int64 | Single | Double | Decimal)
            | (
                UInt16,
                Int32 | UInt32 | Int64 | UInt64 | Single | Double | Decimal
            )
            | (Int32, Int64 | Single | Double | Decimal)
            | (UInt32, Int64 | UInt64 | Single | Double | Decimal)
            | (Int64 | UInt64, Single | Double | Decimal)
            | (
                Char,
                UInt16 | Int32 | UInt32 | Int64 | UInt64 | Single | Double | Decimal
            )
            | (Single, Double)
    )
}

/// Types Newtonsoft converts to `JToken` implicitly, and from it explicitly.
pub fn jtoken_convertible(ty: &Type) -> bool {
    matches!(
        ty.underlying(),
        Type::Bool
            | Type::Char
            | Type::SByte
            | Type::Byte
            | Type::Int16
            | Type::UInt16
            | Type::Int32
            | Type::UInt32
            | Type::Int64
            | Type::UInt64
            | Type::Single
            | Type::Double
            | Type::Decimal
            | Type::String
            | Type::Class(
                Class::DateTime
                    | Class::DateTimeOffset
                    | Class::TimeSpan
                    | Class::Guid
                    | Class::Uri
            )
    ) || matches!(ty, Type::Array(element) if **element == Type::Byte)
}

/// Does a reference of type `from` convert implicitly to `to` (both reference or interface
/// types)? Covers base classes, `object`, and the sequence interfaces.
fn reference_implicit(from: &Type, to: &Type) -> bool {
    if *to == Type::Object {
        return true;
    }
    match (from, to) {
        (Type::Class(a), Type::Class(b)) => a.derives_from(*b),
        (Type::Array(a), Type::Array(b)) => {
            !a.is_value_type() && !b.is_value_type() && (a == b || reference_implicit(a, b))
        }
        (_, Type::Generic(Generic::IEnumerable, args)) => match (from.element_type(), args.first())
        {
            (Some(element), Some(target)) => {
                element == *target
                    || (!element.is_value_type() && reference_implicit(&element, target))
            }
            _ => false,
        },
        (Type::Generic(Generic::List, a), Type::Generic(Generic::IList, b)) => a == b,
        (Type::Array(a), Type::Generic(Generic::IList, b)) => b.first() == Some(&**a),
        (
            Type::Generic(Generic::Dictionary, a),
            Type::Generic(Generic::IDictionary | Generic::IReadOnlyDictionary, b),
        ) => a == b,
        _ => false,
    }
}

/// The implicit conversion from `from` to `to`, if C# has one.
pub fn implicit(from: &Type, to: &Type) -> Option<Conversion> {
    if from == to {
        return Some(Conversion::Identity);
    }
    if from.is_unknown() || to.is_unknown() {
        return Some(Conversion::Identity);
    }
    match (from, to) {
        (Type::Null, target) if target.is_nullable() => return Some(Conversion::NullLiteral),
        (Type::Null, _) => return None,
        (_, Type::Object) if from.is_value_type() => return Some(Conversion::Boxing),
        (_, Type::Object) => return Some(Conversion::Upcast),
        (_, Type::Nullable(inner)) if implicit(from, inner).is_some() && !from.is_nullable() => {
            return Some(Conversion::WrapNullable);
        }
        (Type::Nullable(a), Type::Nullable(b)) if implicit_numeric(a, b) => {
            return Some(Conversion::Numeric((**b).clone()));
        }
        _ => {}
    }
    if implicit_numeric(from, to) {
        return Some(Conversion::Numeric(to.clone()));
    }
    if *from == Type::Class(Class::DateTime) && *to == Type::Class(Class::DateTimeOffset) {
        return Some(Conversion::DateToOffset);
    }
    if *from == Type::String
        && let Type::Class(class @ (Class::XName | Class::XNamespace)) = to
    {
        return Some(Conversion::ToXmlName(*class));
    }
    if to.is_class(Class::JToken) && *to == Type::Class(Class::JToken) && jtoken_convertible(from) {
        return Some(Conversion::ToJToken);
    }
    if !from.is_value_type() && reference_implicit(from, to) {
        return Some(if matches!(to, Type::Generic(..)) {
            Conversion::Sequence
        } else {
            Conversion::Upcast
        });
    }
    if from.is_value_type() && matches!(to, Type::Generic(Generic::IEnumerable, _)) {
        return None;
    }
    if let (Type::Func(from_params, from_result), Type::Func(to_params, to_result)) = (from, to)
        && from_params == to_params
        && (from_result == to_result
            || implicit(from_result, to_result) == Some(Conversion::Upcast))
    {
        return Some(Conversion::Identity);
    }
    None
}

/// The explicit conversion `(to)from`, if C# allows one (the implicit ones included).
pub fn explicit(from: &Type, to: &Type) -> Option<Conversion> {
    if let Some(conversion) = implicit(from, to) {
        return Some(conversion);
    }
    match (from, to) {
        (Type::Null, _) => None,
        (a, b) if numeric_rank(a).is_some() && numeric_rank(b).is_some() => {
            Some(Conversion::Numeric(b.clone()))
        }
        (Type::Nullable(a), b) if **a == *b || explicit(a, b).is_some() => {
            Some(Conversion::UnwrapNullable)
        }
        (a, Type::Nullable(b)) if numeric_rank(a).is_some() && numeric_rank(b).is_some() => {
            Some(Conversion::Numeric((**b).clone()))
        }
        (Type::Enum(_), b) if b.is_integral() => Some(Conversion::EnumInteger(b.clone())),
        (a, Type::Enum(_)) if a.is_integral() => Some(Conversion::EnumInteger(to.clone())),
        (Type::Class(class), target)
            if class.derives_from(Class::JToken) && jtoken_convertible(target) =>
        {
            Some(Conversion::FromJToken(target.clone()))
        }
        (Type::Object, target) if target.is_value_type() => Some(Conversion::Unbox(target.clone())),
        (Type::Object, target) => Some(Conversion::Downcast(target.clone())),
        (source, target)
            if !source.is_value_type()
                && !target.is_value_type()
                && reference_implicit(target, source) =>
        {
            Some(Conversion::Downcast(target.clone()))
        }
        // An interface to a class it may be: checked at run time.
        (Type::Generic(..), target) if !target.is_value_type() => {
            Some(Conversion::Downcast(target.clone()))
        }
        _ => None,
    }
}

/// C#'s binary numeric promotion (spec 7.3.6.2): the type both operands convert to, or `None`
/// when the combination is an error (`ulong` with a signed type, `decimal` with a float).
pub fn promote(left: &Type, right: &Type) -> Option<Type> {
    use Type::*;
    let (l, r) = (left.underlying(), right.underlying());
    if !l.is_numeric() || !r.is_numeric() {
        return None;
    }
    let result = if *l == Decimal || *r == Decimal {
        if matches!(l, Single | Double) || matches!(r, Single | Double) {
            return None;
        }
        Decimal
    } else if *l == Double || *r == Double {
        Double
    } else if *l == Single || *r == Single {
        Single
    } else if *l == UInt64 || *r == UInt64 {
        if matches!(l, SByte | Int16 | Int32 | Int64) || matches!(r, SByte | Int16 | Int32 | Int64)
        {
            return None;
        }
        UInt64
    } else if *l == Int64 || *r == Int64 {
        Int64
    } else if *l == UInt32 || *r == UInt32 {
        if matches!(l, SByte | Int16 | Int32) || matches!(r, SByte | Int16 | Int32) {
            Int64
        } else {
            UInt32
        }
    } else {
        Int32
    };
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_promotion_follows_the_spec() {
        assert_eq!(promote(&Type::Byte, &Type::Byte), Some(Type::Int32));
        assert_eq!(promote(&Type::Char, &Type::Int32), Some(Type::Int32));
        assert_eq!(promote(&Type::Int32, &Type::Int64), Some(Type::Int64));
        assert_eq!(promote(&Type::UInt32, &Type::Int32), Some(Type::Int64));
        assert_eq!(promote(&Type::Int32, &Type::Double), Some(Type::Double));
        assert_eq!(promote(&Type::UInt64, &Type::Int32), None);
        assert_eq!(promote(&Type::Decimal, &Type::Double), None);
    }

    #[test]
    fn conversions() {
        let jtoken = Type::Class(Class::JToken);
        let jobject = Type::Class(Class::JObject);
        assert_eq!(
            implicit(&Type::Int32, &Type::Int64),
            Some(Conversion::Numeric(Type::Int64))
        );
        assert_eq!(implicit(&Type::Int64, &Type::Int32), None);
        assert_eq!(
            implicit(&Type::Int32, &Type::Object),
            Some(Conversion::Boxing)
        );
        assert_eq!(implicit(&jobject, &jtoken), Some(Conversion::Upcast));
        assert_eq!(implicit(&Type::String, &jtoken), Some(Conversion::ToJToken));
        assert_eq!(
            explicit(&jtoken, &Type::String),
            Some(Conversion::FromJToken(Type::String))
        );
        assert_eq!(
            explicit(&Type::Object, &Type::Int32),
            Some(Conversion::Unbox(Type::Int32))
        );
        assert_eq!(
            explicit(&Type::Object, &Type::String),
            Some(Conversion::Downcast(Type::String))
        );
        assert_eq!(
            explicit(&jtoken, &jobject),
            Some(Conversion::Downcast(jobject.clone()))
        );
        assert_eq!(
            explicit(&Type::Double, &Type::Int32),
            Some(Conversion::Numeric(Type::Int32))
        );
        assert_eq!(
            implicit(&Type::array(Type::String), &Type::enumerable(Type::String)),
            Some(Conversion::Sequence)
        );
        assert_eq!(
            implicit(&Type::array(Type::String), &Type::enumerable(Type::Object)),
            Some(Conversion::Sequence)
        );
        assert_eq!(
            implicit(&Type::array(Type::Int32), &Type::enumerable(Type::Object)),
            None
        );
        assert_eq!(implicit(&Type::Null, &Type::Int32), None);
        assert_eq!(
            implicit(&Type::Int32, &Type::nullable(Type::Int32)),
            Some(Conversion::WrapNullable)
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            Type::by_name("System.Text.Encoding", vec![]),
            Some(Type::Class(Class::Encoding))
        );
        assert_eq!(
            Type::by_name("List", vec![Type::String]).map(|t| t.to_string()),
            Some("List<string>".to_owned())
        );
        assert_eq!(
            Type::by_name("Func", vec![Type::String, Type::Bool]).map(|t| t.to_string()),
            Some("Func<string, bool>".to_owned())
        );
    }
}
