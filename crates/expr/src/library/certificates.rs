//! `X509Certificate2` and `X500DistinguishedName`: what client-certificate checks read
//! (`Thumbprint`, `Subject`, `Issuer`, `SerialNumber`, `NotBefore`/`NotAfter`), over
//! [`crate::net::certificate`]. Chain validation (`Verify()`) is not here: see
//! `unimplemented.rs`.

use std::sync::Arc;

use super::{Call, Owner, Registry};
use crate::eval::Fault;
use crate::net::certificate::{self, Certificate, hex_upper};
use crate::types::Class;
use crate::value::{Object, Value, new_str};

fn certificate_of(call: &Call<'_>) -> Result<Arc<Certificate>, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::X509Certificate(certificate) => Ok(Arc::clone(certificate)),
            _ => Err(call.internal("not an X509Certificate2")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn sha1(bytes: &[u8]) -> Vec<u8> {
    use sha1::Digest;
    sha1::Sha1::digest(bytes).to_vec()
}

fn distinguished_name(text: &str) -> Value {
    Value::object(Object::DistinguishedName(Arc::from(text)))
}

pub(super) fn register(r: &mut Registry) {
    let class = Owner::Class(Class::X509Certificate2);
    r.constructor(class, "(byte[] rawData)", |cx, c| {
        // Null, empty and malformed bytes all throw CryptographicException (Mono; the
        // recorded oracle case `null-bytes`).
        let raw = super::bytes_of(c.arg(0)).unwrap_or_default();
        // The certificate keeps a copy of the bytes and the names read from them.
        cx.charge_bytes(raw.len() * 2, c.span)?;
        match certificate::parse(&raw) {
            Ok(parsed) => Ok(Value::object(Object::X509Certificate(Arc::new(parsed)))),
            Err(_) => Err(c.throw(
                Class::CryptographicException,
                "Cannot find the requested object.",
            )),
        }
    });
    r.property(class, "Thumbprint", "string", |_, c| {
        Ok(new_str(certificate_of(c)?.thumbprint()))
    });
    r.method(class, "GetCertHashString", "() -> string", |_, c| {
        Ok(new_str(certificate_of(c)?.thumbprint()))
    });
    r.method(class, "GetCertHash", "() -> byte[]", |_, c| {
        Ok(Value::bytes(sha1(&certificate_of(c)?.raw)))
    });
    r.property(class, "Subject", "string", |_, c| {
        Ok(new_str(certificate_of(c)?.subject.clone()))
    });
    r.property(class, "Issuer", "string", |_, c| {
        Ok(new_str(certificate_of(c)?.issuer.clone()))
    });
    r.property(class, "SubjectName", "X500DistinguishedName", |_, c| {
        Ok(distinguished_name(&certificate_of(c)?.subject))
    });
    r.property(class, "IssuerName", "X500DistinguishedName", |_, c| {
        Ok(distinguished_name(&certificate_of(c)?.issuer))
    });
    r.property(class, "SerialNumber", "string", |_, c| {
        Ok(new_str(certificate_of(c)?.serial_number()))
    });
    r.method(class, "GetSerialNumberString", "() -> string", |_, c| {
        Ok(new_str(certificate_of(c)?.serial_number()))
    });
    r.method(class, "GetSerialNumber", "() -> byte[]", |_, c| {
        // Least significant byte first, as .NET returns it.
        Ok(Value::bytes(
            certificate_of(c)?.serial.iter().rev().copied().collect(),
        ))
    });
    r.property(class, "NotBefore", "DateTime", |_, c| {
        Ok(Value::DateTime(certificate_of(c)?.not_before))
    });
    r.property(class, "NotAfter", "DateTime", |_, c| {
        Ok(Value::DateTime(certificate_of(c)?.not_after))
    });
    r.property(class, "Version", "int", |_, c| {
        Ok(Value::Int32(certificate_of(c)?.version))
    });
    r.property(class, "RawData", "byte[]", |_, c| {
        Ok(Value::bytes(certificate_of(c)?.raw.clone()))
    });
    r.method(class, "GetRawCertData", "() -> byte[]", |_, c| {
        Ok(Value::bytes(certificate_of(c)?.raw.clone()))
    });
    r.method(class, "GetRawCertDataString", "() -> string", |_, c| {
        Ok(new_str(hex_upper(&certificate_of(c)?.raw)))
    });
    // Made from bytes alone, a certificate never carries its private key.
    r.property(class, "HasPrivateKey", "bool", |_, c| {
        certificate_of(c).map(|_| Value::Bool(false))
    });
    let name = Owner::Class(Class::X500DistinguishedName);
    r.property(name, "Name", "string", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::DistinguishedName(text) => Ok(Value::String(Arc::clone(text))),
            _ => Err(c.internal("not an X500DistinguishedName")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });
}
