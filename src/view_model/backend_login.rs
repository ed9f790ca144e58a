//! The optional login sent to a backend: one `Authorization` header (a
//! bearer token, or a user and password), kept in session storage for one
//! origin and sent only there. Plain Rust.

/// The session-storage key of the `Authorization` header and the origin it
/// is for (`<origin>\n<header>`).
pub const AUTH_KEY: &str = "trace-viewer-backend-auth";

/// How a request to the backend is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthKind {
    /// No `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <user:password in base64>`.
    Basic,
}

impl AuthKind {
    /// All, in the order the panel offers them.
    pub const ALL: [AuthKind; 3] = [AuthKind::None, AuthKind::Bearer, AuthKind::Basic];

    /// Its name in the panel.
    pub fn label(self) -> &'static str {
        match self {
            AuthKind::None => "No login",
            AuthKind::Bearer => "Bearer token",
            AuthKind::Basic => "User and password",
        }
    }

    /// Its short name (the `<option>` value).
    pub fn name(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Bearer => "bearer",
            AuthKind::Basic => "basic",
        }
    }

    /// The kind a [`AuthKind::name`] names.
    pub fn from_name(name: &str) -> AuthKind {
        AuthKind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or_default()
    }
}

/// The `Authorization` header's value as typed: `None` for no login.
/// `secret` is the token (bearer) or the password (basic).
pub fn auth_header(kind: AuthKind, user: &str, secret: &str) -> Result<Option<String>, String> {
    let clean = |text: &str, what: &str| {
        if text.chars().any(char::is_control) {
            Err(format!(
                "the {what} holds a line break or another control character"
            ))
        } else {
            Ok(())
        }
    };
    match kind {
        AuthKind::None => Ok(None),
        AuthKind::Bearer => {
            let token = secret.trim();
            let token = token
                .strip_prefix("Bearer ")
                .or_else(|| token.strip_prefix("bearer "))
                .unwrap_or(token)
                .trim();
            clean(token, "token")?;
            if token.is_empty() {
                return Err(String::from(
                    "no token: paste the bearer token, or choose No login",
                ));
            }
            Ok(Some(format!("Bearer {token}")))
        }
        AuthKind::Basic => {
            clean(user, "user name")?;
            clean(secret, "password")?;
            if user.is_empty() || user.contains(':') {
                return Err(String::from(
                    "the user name is empty or holds a colon, which basic login cannot send",
                ));
            }
            Ok(Some(format!(
                "Basic {}",
                base64(format!("{user}:{secret}").as_bytes())
            )))
        }
    }
}

/// Standard base64, with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// What session storage keeps: the header and the one origin it is for.
pub fn stored_auth(origin: &str, header: &str) -> String {
    format!("{origin}\n{header}")
}

/// The header kept for `origin`, if the one kept is for it.
pub fn auth_for(stored: &str, origin: &str) -> Option<String> {
    let (for_origin, header) = stored.split_once('\n')?;
    (for_origin == origin && !origin.is_empty() && origin != "null").then(|| header.to_string())
}

/// The origin the kept header is for.
pub fn auth_origin(stored: &str) -> Option<&str> {
    stored.split_once('\n').map(|(origin, _)| origin)
}
