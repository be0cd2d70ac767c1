use std::time::Duration;

use crate::clock::UnixTime;
use crate::secret::SecretString;

/// Which managed identity to use.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ManagedIdentity {
    /// The identity of the machine or app itself.
    SystemAssigned,
    /// One of the user-assigned identities attached to it.
    UserAssigned(UserAssignedId),
}

/// The three ways the identity endpoints accept to name a user-assigned identity.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UserAssignedId {
    ClientId(String),
    ObjectId(String),
    /// The identity's ARM resource id.
    ResourceId(String),
}

/// How long before expiry a refresh is due, at the latest.
pub const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(5 * 60);

/// An access token with its lifetime. Its `Debug` output never shows the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    secret: SecretString,
    token_type: String,
    obtained_at: UnixTime,
    expires_on: UnixTime,
    refresh_at: UnixTime,
}

impl AccessToken {
    /// A token obtained at `obtained_at` that expires at `expires_on`. It is due for refresh
    /// at the earliest of: five minutes before expiry, half its lifetime, and the issuer's own
    /// `refresh_in` hint (as the Azure SDKs and MSAL do). For a token that lives less than five
    /// minutes, "five minutes before expiry" is before it was obtained and would mean
    /// refreshing on every use, so half its lifetime applies.
    pub fn new(
        secret: SecretString,
        token_type: impl Into<String>,
        obtained_at: UnixTime,
        expires_on: UnixTime,
        refresh_in: Option<Duration>,
    ) -> Self {
        let lifetime = expires_on.since(obtained_at);
        let half_life = obtained_at.plus(lifetime / 2);
        let before_expiry = expires_on.minus(REFRESH_BEFORE_EXPIRY);
        let mut refresh_at = if before_expiry > obtained_at {
            before_expiry.min(half_life)
        } else {
            half_life
        };
        if let Some(hint) = refresh_in {
            refresh_at = refresh_at.min(obtained_at.plus(hint));
        }
        AccessToken {
            secret,
            token_type: token_type.into(),
            obtained_at,
            expires_on,
            refresh_at: refresh_at.max(obtained_at),
        }
    }

    pub fn secret(&self) -> &SecretString {
        &self.secret
    }

    /// `Bearer` for every managed-identity token.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    pub fn obtained_at(&self) -> UnixTime {
        self.obtained_at
    }

    pub fn expires_on(&self) -> UnixTime {
        self.expires_on
    }

    pub fn refresh_at(&self) -> UnixTime {
        self.refresh_at
    }

    /// Whether the token may still be handed out at `now`: it must outlive `margin`.
    pub fn is_usable_at(&self, now: UnixTime, margin: Duration) -> bool {
        now.plus(margin) < self.expires_on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(lifetime_secs: u64, refresh_in: Option<u64>) -> AccessToken {
        let obtained = UnixTime::from_secs(1_000);
        AccessToken::new(
            SecretString::new("t"),
            "Bearer",
            obtained,
            obtained.plus(Duration::from_secs(lifetime_secs)),
            refresh_in.map(Duration::from_secs),
        )
    }

    #[test]
    fn a_day_long_token_refreshes_at_half_life() {
        assert_eq!(
            token(86_400, None).refresh_at(),
            UnixTime::from_secs(1_000 + 43_200)
        );
    }

    #[test]
    fn a_short_token_refreshes_at_half_life_and_never_before_it_was_obtained() {
        assert_eq!(token(120, None).refresh_at(), UnixTime::from_secs(1_060));
        assert_eq!(token(0, None).refresh_at(), UnixTime::from_secs(1_000));
    }

    #[test]
    fn a_ten_minute_token_refreshes_five_minutes_before_expiry() {
        // min(expiry - 5 min = 300 s, half = 300 s); an 8-minute one at 180 s.
        assert_eq!(token(600, None).refresh_at(), UnixTime::from_secs(1_300));
        assert_eq!(token(480, None).refresh_at(), UnixTime::from_secs(1_180));
    }

    #[test]
    fn an_hour_long_token_refreshes_at_half_life_before_the_five_minute_mark() {
        // min(expiry - 5 min = 3300 s, half = 1800 s)
        assert_eq!(token(3_600, None).refresh_at(), UnixTime::from_secs(2_800));
    }

    #[test]
    fn the_issuers_refresh_hint_wins_when_earlier() {
        assert_eq!(
            token(3_600, Some(600)).refresh_at(),
            UnixTime::from_secs(1_600)
        );
    }

    #[test]
    fn usable_only_while_it_outlives_the_margin() {
        let token = token(120, None);
        let margin = Duration::from_secs(5);
        assert!(token.is_usable_at(UnixTime::from_secs(1_114), margin));
        assert!(!token.is_usable_at(UnixTime::from_secs(1_115), margin));
    }
}
