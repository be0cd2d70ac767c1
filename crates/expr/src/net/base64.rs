//! `Convert.ToBase64String` and the strict `Convert.FromBase64String`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        let symbol = |shift: u32| {
            char::from(
                ALPHABET
                    .get(((n >> shift) & 63) as usize)
                    .copied()
                    .unwrap_or(b'A'),
            )
        };
        out.push(symbol(18));
        out.push(symbol(12));
        out.push(if chunk.len() > 1 { symbol(6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(0) } else { '=' });
    }
    out
}

fn value(symbol: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&c| c == symbol)
        .and_then(|p| u32::try_from(p).ok())
}

/// Decodes like .NET: white space is ignored, the length must be a multiple of four, padding
/// only at the end. `None` is .NET's `FormatException`.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let padding = symbols.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let body_len = symbols.len() - padding;
    let mut accumulator: u32 = 0;
    let mut bits = 0;
    for &symbol in symbols.get(..body_len).unwrap_or_default() {
        accumulator = (accumulator << 6) | value(symbol)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((accumulator >> bits) & 0xFF).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_strictness() {
        assert_eq!(encode(b"hello"), "aGVsbG8=");
        assert_eq!(decode("aGVsbG8="), Some(b"hello".to_vec()));
        assert_eq!(decode("aGVs bG8=\n"), Some(b"hello".to_vec()));
        assert_eq!(decode("aGVsbG8"), None);
        assert_eq!(decode("aGVsbG8-"), None);
        assert_eq!(decode("a==="), None);
        assert_eq!(decode(""), Some(Vec::new()));
    }
}
