//! What APIM allows in expressions but Gatehouse cannot evaluate yet.
//!
//! Using one of these is GH0114, a warning: the policy is valid for APIM, so calling it an
//! error would be wrong, but Gatehouse would not run it. Everything not listed here and not in
//! the registry is an error (GH0104, GH0111), because APIM would refuse it too.

use crate::types::{Class, Type};

/// Types on APIM's allow-list (api-management-policy-expressions.md) with no Gatehouse
/// implementation, by simple name.
const TYPES: &[&str] = &[
    "RSA",
    "RSAEncryptionPadding",
    "RSASignaturePadding",
    "RSACertificateExtensions",
    "AsymmetricAlgorithm",
    "SymmetricAlgorithm",
    "Aes",
    "CipherMode",
    "PaddingMode",
    "RNGCryptoServiceProvider",
    "X509Certificate",
    "X509ContentType",
    "X509NameType",
    "PublicKey",
    "Oid",
];

/// Members of types Gatehouse knows that APIM's .NET has and Gatehouse does not evaluate.
/// `X509Certificate2`: chain validation (`Verify()`, APIM's `VerifyNoRevocation()`), keys, and
/// the signing helpers the snippets use; its identity fields are implemented.
const MEMBERS: &[(Class, &[&str])] = &[
    (
        Class::X509Certificate2,
        &[
            "PublicKey",
            "FriendlyName",
            "SignatureAlgorithm",
            "Extensions",
            "Verify",
            "VerifyNoRevocation",
            "GetNameInfo",
            "GetPublicKey",
            "GetRSAPrivateKey",
            "GetRSAPublicKey",
            "Export",
        ],
    ),
    // `XNode.ReadFrom(XmlReader)`: needs `XmlReader`, which APIM does not allow anyway.
    (Class::XNode, &["ReadFrom"]),
    // `context.ParentResult`, the parent object of the retired `set-graphql-resolver`
    // (set-graphql-resolver-policy.md: `context.ParentResult.AsJObject()["id"]`); Gatehouse
    // runs the current resolvers, whose parent is `context.GraphQL.Parent`.
    (Class::Context, &["ParentResult"]),
];

/// The allowed-but-unimplemented type a dotted name refers to, if any
/// (`System.Security.Cryptography.RSASignaturePadding.Pkcs1` → `RSASignaturePadding`).
pub(crate) fn unimplemented_type(path: &str) -> Option<&'static str> {
    path.split('.')
        .find_map(|segment| TYPES.iter().copied().find(|t| *t == segment))
}

/// Whether `member` of `ty` is a real .NET member Gatehouse does not evaluate yet.
pub(crate) fn unimplemented_member(ty: &Type, member: &str) -> bool {
    unimplemented_members(ty).any(|m| m == member)
}

/// The members of `ty` APIM's .NET has and Gatehouse does not evaluate (for "did you mean").
pub(crate) fn unimplemented_members(ty: &Type) -> impl Iterator<Item = &'static str> {
    let class = match ty {
        Type::Class(class) => Some(*class),
        Type::Nullable(inner) => match **inner {
            Type::Class(class) => Some(class),
            _ => None,
        },
        _ => None,
    };
    MEMBERS
        .iter()
        .filter(move |(owner, _)| class.is_some_and(|c| c.derives_from(*owner)))
        .flat_map(|(_, members)| members.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_names_find_the_type_they_go_through() {
        assert_eq!(
            unimplemented_type("System.Security.Cryptography.RSASignaturePadding.Pkcs1"),
            Some("RSASignaturePadding")
        );
        assert_eq!(
            unimplemented_type("System.Security.Cryptography.RSACng"),
            None
        );
        assert_eq!(unimplemented_type("Foo.Bar"), None);
    }

    #[test]
    fn members_of_derived_and_nullable_types_count() {
        let certificate = Type::Class(Class::X509Certificate2);
        assert!(unimplemented_member(&certificate, "GetRSAPrivateKey"));
        assert!(unimplemented_member(
            &Type::nullable(certificate.clone()),
            "Verify"
        ));
        assert!(!unimplemented_member(&certificate, "Thumbprint"));
        assert!(unimplemented_member(
            &Type::Class(Class::XElement),
            "ReadFrom"
        ));
    }
}
