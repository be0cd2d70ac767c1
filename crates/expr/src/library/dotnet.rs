//! What .NET has, for the types APIM allows: the checker's evidence when a name is not in
//! Gatehouse's registry.
//!
//! `dotnet-members.tsv` lists every public member of every type on APIM's allow-list
//! (api-management-policy-expressions.md), read by reflection from Mono's class library
//! (`tests/oracle/members/Members.cs`). With it an unknown name gets the right verdict:
//! - .NET has it and APIM allows it: GH0114, a warning — valid for APIM, not run by Gatehouse;
//! - .NET has it and APIM's list leaves it out (`DateTime.ParseExact`): GH0106, an error;
//! - .NET does not have it: GH0104 or GH0111, an error.
//!
//! Mono's library is a superset of the .NET Framework APIM runs (it has a few newer members,
//! such as `DateTime.UnixEpoch`): for those Gatehouse says "not implemented" where APIM would
//! refuse, a missed error rather than a false one.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::types::{Class, Type};

const TABLE: &str = include_str!("dotnet-members.tsv");

/// One allowed .NET type.
#[derive(Debug)]
pub(crate) struct DotnetType {
    /// `System.Net.IPAddress`; nested types with `.` (`System.TimeZoneInfo.AdjustmentRule`).
    pub full_name: &'static str,
    allowed: Allowed,
    base: &'static str,
    members: Vec<Member>,
}

#[derive(Debug)]
enum Allowed {
    All,
    Except(Vec<&'static str>),
    Only(Vec<&'static str>),
}

#[derive(Debug)]
struct Member {
    name: &'static str,
    kind: Kind,
    /// Parameter counts of the overloads: `(min, Some(max))`, or `(min, None)` with `params`.
    arities: Vec<(u8, Option<u8>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    StaticMethod,
    InstanceMethod,
    StaticValue,
    InstanceValue,
    Constructor,
    /// An extension method; the simple name of the type its `this` parameter takes
    /// (`IEnumerable`, `JToken`, `T` for an unconstrained type parameter).
    Extension(&'static str),
}

/// How a member is used where the checker could not resolve it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// `value.Name` or `value.Name(…)`.
    Instance,
    /// `Type.Name` or `Type.Name(…)`.
    Static,
    /// `new Type(…)`.
    Constructor,
}

/// The checker's verdict on a member Gatehouse does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// .NET has it, APIM allows it, Gatehouse does not implement it.
    NotImplemented,
    /// .NET has it, APIM does not allow it.
    NotAllowed,
    /// .NET has no such member.
    Missing,
}

fn table() -> &'static HashMap<&'static str, Vec<DotnetType>> {
    static TABLE_BY_NAME: OnceLock<HashMap<&'static str, Vec<DotnetType>>> = OnceLock::new();
    TABLE_BY_NAME.get_or_init(|| {
        let mut by_name: HashMap<&'static str, Vec<DotnetType>> = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            if let Some(entry) = parse_line(line) {
                let simple = entry
                    .full_name
                    .rsplit('.')
                    .next()
                    .unwrap_or(entry.full_name);
                by_name.entry(simple).or_default().push(entry);
            }
        }
        by_name
    })
}

fn parse_line(line: &'static str) -> Option<DotnetType> {
    let mut columns = line.split('\t');
    let full_name = columns.next()?;
    let allowed = columns.next()?;
    let base = columns.next()?;
    let members = columns.next().unwrap_or("");
    let list = |text: &'static str| {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    };
    let allowed = if let Some(rest) = allowed.strip_prefix("Only:") {
        Allowed::Only(list(rest))
    } else if let Some(rest) = allowed.strip_prefix("All except:") {
        Allowed::Except(list(rest))
    } else {
        Allowed::All
    };
    Some(DotnetType {
        full_name,
        allowed,
        base,
        members: members.split(' ').filter_map(parse_member).collect(),
    })
}

/// `Parse/s/1,1-3,2` or `MaxValue/S` or `Select/x:IEnumerable/1`.
fn parse_member(token: &'static str) -> Option<Member> {
    let mut parts = token.split('/');
    let name = parts.next()?;
    let kind = match parts.next()? {
        "s" => Kind::StaticMethod,
        "i" => Kind::InstanceMethod,
        "S" => Kind::StaticValue,
        "I" => Kind::InstanceValue,
        "c" => Kind::Constructor,
        other => Kind::Extension(other.strip_prefix("x:")?),
    };
    let arities = parts
        .next()
        .map(|list| list.split(',').filter_map(parse_arity).collect())
        .unwrap_or_default();
    Some(Member {
        name,
        kind,
        arities,
    })
}

fn parse_arity(text: &str) -> Option<(u8, Option<u8>)> {
    if let Some(min) = text.strip_suffix('+') {
        return Some((min.parse().ok()?, None));
    }
    match text.split_once('-') {
        Some((min, max)) => Some((min.parse().ok()?, Some(max.parse().ok()?))),
        None => {
            let exact = text.parse().ok()?;
            Some((exact, Some(exact)))
        }
    }
}

/// The allowed type a dotted name in an expression names, if any: `IPAddress`,
/// `System.Net.IPAddress`, or a name that goes through one (`Tuple.Create` → `Tuple`).
pub(crate) fn allowed_type(path: &str) -> Option<&'static DotnetType> {
    let segments: Vec<&str> = path.split('.').collect();
    for end in (1..=segments.len()).rev() {
        let candidate = segments.get(..end)?;
        let simple = candidate.last()?;
        let qualified = candidate.join(".");
        if let Some(entries) = table().get::<str>(simple) {
            let found = entries.iter().find(|t| {
                end == 1
                    || t.full_name == qualified
                    || t.full_name.ends_with(&format!(".{qualified}"))
            });
            if found.is_some() {
                return found;
            }
        }
    }
    None
}

/// The allowed .NET type Gatehouse's `ty` is.
pub(crate) fn of_type(ty: &Type) -> Option<&'static DotnetType> {
    let (simple, namespace): (&str, Option<&str>) = match ty {
        Type::Bool => ("Boolean", Some("System")),
        Type::Char => ("Char", Some("System")),
        Type::SByte => ("SByte", Some("System")),
        Type::Byte => ("Byte", Some("System")),
        Type::Int16 => ("Int16", Some("System")),
        Type::UInt16 => ("UInt16", Some("System")),
        Type::Int32 => ("Int32", Some("System")),
        Type::UInt32 => ("UInt32", Some("System")),
        Type::Int64 => ("Int64", Some("System")),
        Type::UInt64 => ("UInt64", Some("System")),
        Type::Single => ("Single", Some("System")),
        Type::Double => ("Double", Some("System")),
        Type::Decimal => ("Decimal", Some("System")),
        Type::String => ("String", Some("System")),
        Type::Array(_) => ("Array", Some("System")),
        Type::Nullable(_) => ("Nullable", Some("System")),
        Type::Class(class) => (class.name(), Some(class.namespace())),
        Type::Generic(generic, _) => (generic.name(), None),
        Type::Enum(kind) => (kind.name(), None),
        _ => return None,
    };
    let entries = table().get::<str>(simple)?;
    entries.iter().find(|t| match namespace {
        Some(namespace) => t.full_name.strip_suffix(simple) == Some(&format!("{namespace}.")),
        None => true,
    })
}

impl DotnetType {
    /// The simple name, as C# code writes it.
    pub fn name(&self) -> &'static str {
        self.full_name.rsplit('.').next().unwrap_or(self.full_name)
    }

    fn members_named<'a>(&'a self, name: &'a str, used: Use) -> impl Iterator<Item = &'a Member> {
        self.members.iter().filter(move |m| {
            m.name == name
                && match used {
                    Use::Instance => {
                        matches!(m.kind, Kind::InstanceMethod | Kind::InstanceValue)
                    }
                    Use::Static => matches!(m.kind, Kind::StaticMethod | Kind::StaticValue),
                    Use::Constructor => m.kind == Kind::Constructor,
                }
        })
    }

    /// Whether .NET has `name` used this way, with `arity` arguments when it is called.
    pub fn has(&self, name: &str, used: Use, arity: Option<usize>) -> bool {
        let name = if used == Use::Constructor {
            ".ctor"
        } else {
            name
        };
        self.members_named(name, used).any(|m| match arity {
            None => true,
            Some(count) => m.arities.is_empty() || m.arities.iter().any(|a| fits(*a, count)),
        })
    }

    /// Whether .NET has a member `name` of any kind (`.ctor` for constructors).
    pub fn has_member(&self, name: &str) -> bool {
        self.members.iter().any(|m| m.name == name)
    }

    /// Whether APIM's list lets expressions use `name` (`.ctor` for constructors). Members a
    /// restricted type inherits are allowed if the base type's list allows them
    /// (`Match.Value` comes from `Capture`); `ToString`, `Equals` and `GetHashCode` of
    /// `object` always are.
    pub fn allows(&self, name: &str) -> bool {
        if matches!(name, "ToString" | "Equals" | "GetHashCode") {
            return true;
        }
        let mut current = Some(self);
        let mut depth = 0;
        while let Some(ty) = current {
            let own = match &ty.allowed {
                Allowed::All => return true,
                Allowed::Except(except) => return !except.contains(&name),
                Allowed::Only(only) => only.contains(&name),
            };
            if own {
                return true;
            }
            depth += 1;
            current = if depth > 16 {
                None
            } else {
                lookup_full(ty.base)
            };
        }
        false
    }

    /// The verdict on `name` used this way on this type.
    pub fn verdict(&self, name: &str, used: Use, arity: Option<usize>) -> Verdict {
        if !self.has(name, used, arity) {
            return Verdict::Missing;
        }
        let name = if used == Use::Constructor {
            ".ctor"
        } else {
            name
        };
        if self.allows(name) {
            Verdict::NotImplemented
        } else {
            Verdict::NotAllowed
        }
    }
}

fn fits((min, max): (u8, Option<u8>), count: usize) -> bool {
    count >= usize::from(min) && max.is_none_or(|max| count <= usize::from(max))
}

fn lookup_full(full_name: &str) -> Option<&'static DotnetType> {
    let simple = full_name.rsplit('.').next()?;
    table()
        .get::<str>(simple)?
        .iter()
        .find(|t| t.full_name == full_name)
}

/// Whether an allowed extension class (`Enumerable`, LINQ to XML's and Newtonsoft's
/// `Extensions`) has an extension method `name` for a receiver of this type.
pub(crate) fn has_extension(receiver: &Type, name: &str, arity: Option<usize>) -> bool {
    let targets = extension_targets(receiver);
    ["Enumerable", "Extensions"]
        .iter()
        .filter_map(|class| table().get(class))
        .flatten()
        .flat_map(|t| t.members.iter())
        .any(|m| {
            m.name == name
                && matches!(m.kind, Kind::Extension(target) if targets.contains(&target))
                && arity.is_none_or(|count| m.arities.iter().any(|a| fits(*a, count)))
        })
}

/// The `this` parameter types an extension method may take for a receiver of `ty`.
fn extension_targets(ty: &Type) -> Vec<&'static str> {
    let mut targets = vec!["T"];
    if ty.element_type().is_some() {
        targets.push("IEnumerable");
    }
    if matches!(ty.underlying(), Type::Class(class) if class.derives_from(Class::JToken)) {
        targets.push("JToken");
    }
    if matches!(ty.underlying(), Type::Class(class) if class.derives_from(Class::XObject)) {
        targets.extend(["XElement", "XNode", "XContainer"]);
    }
    targets
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_table_parses() {
        let lines = TABLE.lines().filter(|l| !l.starts_with('#')).count();
        let parsed: usize = table().values().map(Vec::len).sum();
        assert_eq!(parsed, lines);
        assert!(lines > 100, "{lines} types");
    }

    #[test]
    fn types_are_found_by_simple_and_qualified_names() {
        assert_eq!(
            allowed_type("IPAddress").map(|t| t.full_name),
            Some("System.Net.IPAddress")
        );
        assert_eq!(
            allowed_type("System.Net.IPAddress.Parse").map(|t| t.full_name),
            Some("System.Net.IPAddress")
        );
        assert_eq!(
            allowed_type("Tuple.Create").map(|t| t.name()),
            Some("Tuple")
        );
        assert!(allowed_type("CultureInfo").is_none());
        assert!(allowed_type("System.Web.HttpUtility").is_none());
    }

    #[test]
    fn verdicts_follow_dotnet_and_the_allow_list() {
        let date = of_type(&Type::Class(Class::DateTime)).unwrap();
        assert_eq!(
            date.verdict("AddDays", Use::Instance, Some(1)),
            Verdict::NotImplemented
        );
        assert_eq!(
            date.verdict("ParseExact", Use::Static, Some(3)),
            Verdict::NotAllowed
        );
        assert_eq!(
            date.verdict("ParseExakt", Use::Static, Some(3)),
            Verdict::Missing
        );
        assert_eq!(
            date.verdict("AddDays", Use::Instance, Some(5)),
            Verdict::Missing
        );
        let single = of_type(&Type::Single).unwrap();
        assert_eq!(
            single.verdict("Epsilon", Use::Static, None),
            Verdict::NotImplemented
        );
        let document = of_type(&Type::Class(Class::XDocument)).unwrap();
        assert_eq!(
            document.verdict("Load", Use::Static, Some(1)),
            Verdict::NotAllowed
        );
        let matched = of_type(&Type::Class(Class::Match)).unwrap();
        assert!(matched.allows("Value"), "inherited from Capture");
        assert!(!matched.allows("NextMatch"));
    }

    #[test]
    fn extension_methods_are_known_by_receiver() {
        let strings = Type::Array(Box::new(Type::String));
        assert!(has_extension(&strings, "Aggregate", Some(2)));
        assert!(!has_extension(&strings, "Aggregatte", Some(2)));
        assert!(!has_extension(&Type::Int32, "Aggregate", Some(2)));
    }
}
