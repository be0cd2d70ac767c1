//! The signing key: generated at start, RS256, published as a JWKS.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::sha2::Sha256;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::Digest;

/// An RSA key pair and its key id.
pub(crate) struct SigningKey {
    private: rsa::PrivateKey,
    kid: String,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub(crate) fn generate() -> Result<Self, String> {
        let private = rsa::PrivateKey::new(&mut rand::rng(), 2048)
            .map_err(|error| format!("cannot generate the signing key: {error}"))?;
        let modulus = private.to_public_key().n_bytes();
        let digest = sha2::Sha256::digest(&modulus);
        let kid = URL_SAFE_NO_PAD.encode(digest.get(..16).unwrap_or_default());
        Ok(SigningKey { private, kid })
    }

    /// A compact JWS: `base64url(header).base64url(claims).base64url(RS256 signature)`.
    pub(crate) fn sign(&self, claims: &Value) -> Result<String, String> {
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": self.kid, "x5t": self.kid});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .private
            .pkcs1v15_sign::<Sha256>(signing_input.as_bytes())
            .map_err(|error| format!("cannot sign: {error}"))?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    /// The public key as a JSON Web Key Set.
    pub(crate) fn jwks(&self, issuer: &str) -> Value {
        let public = self.private.to_public_key();
        json!({"keys": [{
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "x5t": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.n_bytes()),
            "e": URL_SAFE_NO_PAD.encode(public.e_bytes()),
            "issuer": issuer,
        }]})
    }
}
