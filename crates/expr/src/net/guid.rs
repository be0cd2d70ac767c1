//! `System.Guid`: sixteen bytes in `ToByteArray()` order (the first three fields little-endian).

use std::fmt::Write;

/// `Guid.NewGuid()`: random, version 4, RFC 4122 variant.
pub fn new_v4() -> [u8; 16] {
    let mut bytes: [u8; 16] = rand::random();
    bytes[7] = (bytes[7] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    bytes
}

fn fields(bytes: &[u8; 16]) -> (u32, u16, u16) {
    let a = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let b = u16::from_le_bytes([bytes[4], bytes[5]]);
    let c = u16::from_le_bytes([bytes[6], bytes[7]]);
    (a, b, c)
}

/// `Guid.ToString(format)`: `D` (default), `N`, `B`, `P`, `X`; `None` for another format.
pub fn format(bytes: &[u8; 16], format: &str) -> Option<String> {
    let (a, b, c) = fields(bytes);
    let rest: String = bytes[8..].iter().fold(String::new(), |mut s, byte| {
        let _ = write!(s, "{byte:02x}");
        s
    });
    let d = format!("{a:08x}-{b:04x}-{c:04x}-{}-{}", &rest[..4], &rest[4..]);
    Some(match format {
        "" | "D" | "d" => d,
        "N" | "n" => d.replace('-', ""),
        "B" | "b" => format!("{{{d}}}"),
        "P" | "p" => format!("({d})"),
        "X" | "x" => {
            let tail: Vec<String> = bytes[8..]
                .iter()
                .map(|byte| format!("0x{byte:02x}"))
                .collect();
            format!("{{0x{a:08x},0x{b:04x},0x{c:04x},{{{}}}}}", tail.join(","))
        }
        _ => return None,
    })
}

/// `Guid.Parse`: the `N`, `D`, `B` and `P` forms, any case, surrounding whitespace allowed.
pub fn parse(text: &str) -> Option<[u8; 16]> {
    let text = text.trim();
    let inner = if (text.starts_with('{') && text.ends_with('}'))
        || (text.starts_with('(') && text.ends_with(')'))
    {
        text.get(1..text.len() - 1)?
    } else {
        text
    };
    let hex: String = match inner.len() {
        32 => inner.to_owned(),
        36 => {
            let dashes = [8, 13, 18, 23];
            if !dashes
                .iter()
                .all(|&i| inner.as_bytes().get(i) == Some(&b'-'))
            {
                return None;
            }
            inner.replace('-', "")
        }
        _ => return None,
    };
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value =
        |range: std::ops::Range<usize>| u64::from_str_radix(hex.get(range).unwrap_or("0"), 16).ok();
    let a = u32::try_from(value(0..8)?).ok()?;
    let b = u16::try_from(value(8..12)?).ok()?;
    let c = u16::try_from(value(12..16)?).ok()?;
    let mut bytes = [0u8; 16];
    bytes[0..4].copy_from_slice(&a.to_le_bytes());
    bytes[4..6].copy_from_slice(&b.to_le_bytes());
    bytes[6..8].copy_from_slice(&c.to_le_bytes());
    for (index, byte) in bytes[8..].iter_mut().enumerate() {
        *byte = u8::try_from(value(16 + index * 2..18 + index * 2)?).ok()?;
    }
    Some(bytes)
}

/// `Guid.GetHashCode()` as .NET Core computes it: the four 32-bit words XORed.
pub fn hash_code(bytes: &[u8; 16]) -> i32 {
    bytes
        .chunks_exact(4)
        .map(|word| word.try_into().map_or(0, i32::from_le_bytes))
        .fold(0, |hash, word| hash ^ word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_byte_order() {
        let text = "00112233-4455-6677-8899-aabbccddeeff";
        let bytes = parse(text).unwrap();
        assert_eq!(bytes[..4], [0x33, 0x22, 0x11, 0x00]);
        assert_eq!(format(&bytes, "D").unwrap(), text);
        assert_eq!(
            format(&bytes, "N").unwrap(),
            "00112233445566778899aabbccddeeff"
        );
        assert_eq!(parse("{00112233-4455-6677-8899-AABBCCDDEEFF}"), Some(bytes));
        assert_eq!(parse("00112233445566778899aabbccddeeff"), Some(bytes));
        assert_eq!(parse("not a guid"), None);
        let fresh = new_v4();
        assert_eq!(format(&fresh, "D").unwrap().as_bytes()[14], b'4');
    }
}
