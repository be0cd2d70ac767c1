//! `X509Certificate2` read from DER bytes: the fields policies check on client certificates
//! (thumbprint, subject, issuer, serial number, validity), formatted as .NET formats them.

use x509_cert::der::{Decode, Tag, Tagged, asn1::AnyRef};
use x509_cert::name::Name;

use super::time::{DateTime, Kind};

/// A parsed certificate; `raw` is the DER it was read from.
#[derive(Debug)]
pub struct Certificate {
    pub raw: Vec<u8>,
    /// `Subject` and `Issuer`: distinguished names, most specific part first (`CN=…, O=…, C=…`).
    pub subject: String,
    pub issuer: String,
    /// The serial number's DER integer bytes, most significant first (with its sign byte).
    pub serial: Vec<u8>,
    pub not_before: DateTime,
    pub not_after: DateTime,
    /// 1, 2 or 3.
    pub version: i32,
}

/// Ticks of 1970-01-01, .NET's `DateTime.UnixEpoch`.
const UNIX_EPOCH_TICKS: i64 = 621_355_968_000_000_000;

/// Reads a certificate as `new X509Certificate2(byte[])` does: DER, or PEM text
/// (`-----BEGIN CERTIFICATE-----`). PKCS#12 is not read. `Err` holds why not.
pub fn parse(bytes: &[u8]) -> Result<Certificate, String> {
    let pem = pem_body(bytes);
    let der = pem.as_deref().unwrap_or(bytes);
    let certificate = x509_cert::Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = certificate.tbs_certificate();
    let validity = tbs.validity();
    let local = |seconds: u64| -> Result<DateTime, String> {
        let seconds = i64::try_from(seconds).map_err(|_| "date out of range".to_owned())?;
        let ticks = seconds
            .checked_mul(10_000_000)
            .and_then(|t| t.checked_add(UNIX_EPOCH_TICKS))
            .ok_or_else(|| "date out of range".to_owned())?;
        // .NET gives local times; Gatehouse's local time zone is UTC.
        Ok(DateTime {
            ticks,
            kind: Kind::Local,
        })
    };
    Ok(Certificate {
        raw: der.to_vec(),
        subject: distinguished_name(tbs.subject()),
        issuer: distinguished_name(tbs.issuer()),
        serial: tbs.serial_number().as_bytes().to_vec(),
        not_before: local(validity.not_before.to_unix_duration().as_secs())?,
        not_after: local(validity.not_after.to_unix_duration().as_secs())?,
        version: match tbs.version() {
            x509_cert::certificate::Version::V1 => 1,
            x509_cert::certificate::Version::V2 => 2,
            x509_cert::certificate::Version::V3 => 3,
        },
    })
}

/// The DER inside PEM text, if `bytes` is PEM.
fn pem_body(bytes: &[u8]) -> Option<Vec<u8>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.find(BEGIN)? + BEGIN.len();
    let end = start + text.get(start..)?.find(END)?;
    let body: String = text
        .get(start..end)?
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    super::base64::decode(&body)
}

impl Certificate {
    /// `Thumbprint`: the SHA-1 of the DER, upper-case hex.
    pub fn thumbprint(&self) -> String {
        use sha1::Digest;
        hex_upper(&sha1::Sha1::digest(&self.raw))
    }

    /// `SerialNumber`: the serial's bytes, most significant first, upper-case hex.
    pub fn serial_number(&self) -> String {
        hex_upper(&self.serial)
    }
}

pub fn hex_upper(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02X}");
    }
    out
}

/// .NET's `X500DistinguishedName.Name`: relative names in reverse order, `, ` between them,
/// ` + ` inside a multi-valued one, short attribute names, and values quoted when they hold a
/// separator.
fn distinguished_name(name: &Name) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|attribute| {
                    let oid = attribute.oid.to_string();
                    let key = short_name(&oid).map_or_else(|| format!("OID.{oid}"), str::to_owned);
                    format!("{key}={}", quoted(&text_of(&attribute.value)))
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(", ")
}

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.4" => "SN",
        "2.5.4.5" => "SERIALNUMBER",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "S",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.12" => "T",
        "2.5.4.42" => "G",
        "2.5.4.43" => "I",
        "1.2.840.113549.1.9.1" => "E",
        "0.9.2342.19200300.100.1.25" => "DC",
        _ => return None,
    })
}

/// The text of a directory string: UTF-8, printable and IA5 strings as they are, BMP strings
/// from UTF-16, Teletex bytes as Latin-1; other encodings as `#` and hex, as .NET writes them.
fn text_of(value: &x509_cert::der::Any) -> String {
    let any: AnyRef<'_> = value.into();
    let bytes = any.value();
    match any.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::VisibleString => {
            String::from_utf8_lossy(bytes).into_owned()
        }
        Tag::BmpString => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| match pair {
                    [high, low] => u16::from_be_bytes([*high, *low]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        Tag::TeletexString => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => format!("#{}", hex_upper(bytes)),
    }
}

/// Quotes a value that holds a separator or starts or ends with a space, doubling inner quotes.
fn quoted(value: &str) -> String {
    let special = value.contains([',', '+', '=', '"', '\\', '<', '>', ';', '\n', '\r'])
        || value.starts_with(' ')
        || value.ends_with(' ');
    if special {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}
