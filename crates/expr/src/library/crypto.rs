//! Hashes, HMACs, and APIM's `Encrypt`/`Decrypt` extensions (AES, CBC, PKCS#7 — .NET's
//! defaults for `Aes.Create()`).

use std::sync::Mutex;

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use hmac::{Hmac, Mac};
use sha1::Digest;

use super::{Call, Owner, Registry};
use crate::eval::Fault;
use crate::types::Class;
use crate::value::{HashKind, Object, Value, intern, lock, new_str};

type R = Result<Value, Fault>;

/// An HMAC's key (`None` for plain hashes).
type HashKey = Mutex<Option<Vec<u8>>>;

fn digest(kind: HashKind, data: &[u8]) -> Vec<u8> {
    match kind {
        HashKind::Sha1 => sha1::Sha1::digest(data).to_vec(),
        HashKind::Sha256 => sha2::Sha256::digest(data).to_vec(),
        HashKind::Sha384 => sha2::Sha384::digest(data).to_vec(),
        HashKind::Sha512 => sha2::Sha512::digest(data).to_vec(),
        HashKind::Md5 => md5::Md5::digest(data).to_vec(),
    }
}

fn hmac_of<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
    match <M as KeyInit>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

fn keyed(kind: HashKind, key: &[u8], data: &[u8]) -> Vec<u8> {
    match kind {
        HashKind::Sha1 => hmac_of::<Hmac<sha1::Sha1>>(key, data),
        HashKind::Sha256 => hmac_of::<Hmac<sha2::Sha256>>(key, data),
        HashKind::Sha384 => hmac_of::<Hmac<sha2::Sha384>>(key, data),
        HashKind::Sha512 => hmac_of::<Hmac<sha2::Sha512>>(key, data),
        HashKind::Md5 => hmac_of::<Hmac<md5::Md5>>(key, data),
    }
}

fn hash_size(kind: HashKind) -> i32 {
    match kind {
        HashKind::Sha1 => 160,
        HashKind::Sha256 => 256,
        HashKind::Sha384 => 384,
        HashKind::Sha512 => 512,
        HashKind::Md5 => 128,
    }
}

fn hash_object<'c>(call: &'c Call<'_>) -> Result<(HashKind, &'c HashKey), Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Hash { kind, key, .. } => Ok((*kind, key)),
            _ => Err(call.internal("not a hash algorithm")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn compute(call: &Call<'_>, data: &[u8]) -> R {
    let (kind, key) = hash_object(call)?;
    let key: Option<Vec<u8>> = lock(key).clone();
    Ok(Value::bytes(match key {
        Some(key) => keyed(kind, &key, data),
        None => digest(kind, data),
    }))
}

fn new_hash(kind: HashKind, class: Class, key: Option<Vec<u8>>) -> Value {
    Value::object(Object::Hash {
        kind,
        class,
        key: Mutex::new(key),
    })
}

/// A random 64-byte key, as `new HMACSHA256()` makes.
fn random_key(size: usize) -> Vec<u8> {
    (0..size).map(|_| rand::random::<u8>()).collect()
}

fn aes_crypt(call: &Call<'_>, encrypt: bool) -> R {
    let input = call.bytes(0)?;
    let algorithm = call
        .opt_string(1)
        .ok_or_else(|| call.null_argument("alg"))?;
    if !matches!(
        algorithm.to_ascii_lowercase().as_str(),
        "aes" | "system.security.cryptography.aes" | "rijndael" | "aesmanaged"
    ) {
        return Err(call.throw(
            Class::NotSupportedException,
            format!("Gatehouse implements Encrypt/Decrypt for \"Aes\" only, not \"{algorithm}\"."),
        ));
    }
    let key = call.bytes(2)?;
    let iv = call.bytes(3)?;
    let iv: [u8; 16] = iv
        .as_slice()
        .try_into()
        .map_err(|_| call.throw(Class::CryptographicException, "Specified initialization vector (IV) does not match the block size for this algorithm."))?;
    let bad_key = || {
        call.throw(
            Class::CryptographicException,
            "Specified key is not a valid size for this algorithm.",
        )
    };
    let result = match key.len() {
        16 => cbc::<aes::Aes128>(&key, iv, &input, encrypt),
        24 => cbc::<aes::Aes192>(&key, iv, &input, encrypt),
        32 => cbc::<aes::Aes256>(&key, iv, &input, encrypt),
        _ => return Err(bad_key()),
    };
    result.map(Value::bytes).ok_or_else(|| {
        if encrypt {
            bad_key()
        } else {
            call.throw(
                Class::CryptographicException,
                "Padding is invalid and cannot be removed.",
            )
        }
    })
}

/// CBC with PKCS#7 padding; `None` for a bad key or (decrypting) bad padding or length.
fn cbc<
    C: KeyInit
        + BlockCipherEncrypt
        + BlockCipherDecrypt
        + aes::cipher::BlockSizeUser<BlockSize = aes::cipher::consts::U16>,
>(
    key: &[u8],
    iv: [u8; 16],
    input: &[u8],
    encrypt: bool,
) -> Option<Vec<u8>> {
    let cipher = C::new_from_slice(key).ok()?;
    let mut previous = iv;
    let mut out = Vec::with_capacity(input.len() + 16);
    if encrypt {
        let pad = 16 - input.len() % 16;
        let mut data = input.to_vec();
        data.extend(std::iter::repeat_n(u8::try_from(pad).ok()?, pad));
        for chunk in data.chunks(16) {
            let mut block = [0u8; 16];
            for ((slot, byte), prev) in block.iter_mut().zip(chunk).zip(previous) {
                *slot = byte ^ prev;
            }
            let mut array = aes::Block::from(block);
            cipher.encrypt_block(&mut array);
            previous = array.into();
            out.extend_from_slice(&previous);
        }
        Some(out)
    } else {
        if input.is_empty() || !input.len().is_multiple_of(16) {
            return None;
        }
        for chunk in input.chunks(16) {
            let ciphertext: [u8; 16] = chunk.try_into().ok()?;
            let mut array = aes::Block::from(ciphertext);
            cipher.decrypt_block(&mut array);
            let plain: [u8; 16] = array.into();
            out.extend(plain.iter().zip(previous).map(|(p, v)| p ^ v));
            previous = ciphertext;
        }
        let pad = usize::from(*out.last()?);
        if pad == 0 || pad > 16 || pad > out.len() {
            return None;
        }
        let start = out.len() - pad;
        if !out.get(start..)?.iter().all(|&b| usize::from(b) == pad) {
            return None;
        }
        out.truncate(start);
        Some(out)
    }
}

macro_rules! hmac_classes {
    ($registry:ident: $( $class:ident $kind:ident $size:literal ),* $(,)?) => {
        $(
            $registry.constructor(Owner::Class(Class::$class), "()", |_, _| Ok(new_hash(HashKind::$kind, Class::$class, Some(random_key($size)))));
            $registry.constructor(Owner::Class(Class::$class), "(byte[] key)", |_, c| Ok(new_hash(HashKind::$kind, Class::$class, Some(c.bytes(0)?))));
        )*
    };
}

macro_rules! hash_classes {
    ($registry:ident: $( $class:ident $kind:ident ),* $(,)?) => {
        $(
            $registry.static_method(Owner::Class(Class::$class), "Create", "() -> HashAlgorithm", |_, _| Ok(new_hash(HashKind::$kind, Class::$class, None)));
            $registry.static_method(Owner::Class(Class::$class), "HashData", "(byte[] source) -> byte[]", |_, c| Ok(Value::bytes(digest(HashKind::$kind, &c.bytes(0)?))));
        )*
    };
}

pub(super) fn register(r: &mut Registry) {
    hmac_classes!(r:
        HmacSha256 Sha256 64,
        HmacSha1 Sha1 64,
        HmacSha384 Sha384 128,
        HmacSha512 Sha512 128,
        HmacMd5 Md5 64,
    );
    hash_classes!(r: Sha256 Sha256, Sha1 Sha1, Sha384 Sha384, Sha512 Sha512, Md5 Md5);
    let hash = Owner::Class(Class::HashAlgorithm);
    r.method(hash, "ComputeHash", "(byte[] buffer) -> byte[]", |cx, c| {
        let data = c.bytes(0)?;
        cx.charge_bytes(data.len(), c.span)?;
        compute(c, &data)
    });
    r.method(
        hash,
        "ComputeHash",
        "(byte[] buffer, int offset, int count) -> byte[]",
        |_, c| {
            let data = c.bytes(0)?;
            let (offset, count) = (c.int(1)?, c.int(2)?);
            let slice = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(count).ok())
                .and_then(|(o, n)| data.get(o..o.checked_add(n)?))
                .ok_or_else(|| c.argument_error("Offset and length were out of bounds."))?;
            compute(c, slice)
        },
    );
    r.property(hash, "HashSize", "int", |_, c| {
        Ok(Value::Int32(hash_size(hash_object(c)?.0)))
    });
    r.method(hash, "Dispose", "() -> void", |_, _| Ok(Value::Null));
    r.method(hash, "Clear", "() -> void", |_, _| Ok(Value::Null));
    let keyed_hash = Owner::Class(Class::KeyedHashAlgorithm);
    r.property_rw(
        keyed_hash,
        "Key",
        "byte[]",
        |_, c| {
            let (_, key) = hash_object(c)?;
            Ok(lock(key).clone().map_or(Value::Null, Value::bytes))
        },
        |_, c| {
            let new_key = c.bytes(0)?;
            let (_, key) = hash_object(c)?;
            *lock(key) = Some(new_key);
            Ok(Value::Null)
        },
    );

    let name = Owner::Class(Class::HashAlgorithmName);
    for algorithm in ["SHA1", "SHA256", "SHA384", "SHA512", "MD5"] {
        r.static_property(name, algorithm, "HashAlgorithmName", |_, c| {
            Ok(Value::object(Object::HashAlgorithmName(intern(c.name))))
        });
    }
    r.property(name, "Name", "string", |_, c| match &c.this {
        Value::Object(object) => match &**object {
            Object::HashAlgorithmName(n) => Ok(Value::String(n.clone())),
            _ => Err(c.internal("not a HashAlgorithmName")),
        },
        _ => Err(crate::eval::null_reference(c.span)),
    });

    r.extension(
        "Encrypt",
        "(this byte[] input, string alg, byte[] key, byte[] iv) -> byte[]",
        |cx, c| {
            cx.charge_bytes(c.bytes(0)?.len(), c.span)?;
            aes_crypt(c, true)
        },
    );
    r.extension(
        "Decrypt",
        "(this byte[] input, string alg, byte[] key, byte[] iv) -> byte[]",
        |cx, c| {
            cx.charge_bytes(c.bytes(0)?.len(), c.span)?;
            aes_crypt(c, false)
        },
    );
    let _ = new_str("");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_cbc_round_trips_with_pkcs7() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        for length in [0, 1, 15, 16, 17, 100] {
            let plain: Vec<u8> = (0..length).map(|i| i as u8).collect();
            let sealed = cbc::<aes::Aes256>(&key, iv, &plain, true).unwrap();
            assert_eq!(sealed.len(), (length / 16 + 1) * 16);
            assert_eq!(cbc::<aes::Aes256>(&key, iv, &sealed, false).unwrap(), plain);
        }
        assert!(cbc::<aes::Aes256>(&key, iv, &[1, 2, 3], false).is_none());
    }
}
