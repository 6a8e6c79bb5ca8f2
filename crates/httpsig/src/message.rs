//! A small view of an HTTP message: no HTTP framework, just the parts a
//! signature can cover.

/// A request as the signer sends it or the verifier received it.
///
/// `authority` is the host (and port) the request was addressed to — the
/// `Host` field in HTTP/1.1, `:authority` in HTTP/2 and 3. `path` is the
/// absolute path; `query` is what follows `?`, without it (`None` when
/// the target has no `?`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, case kept as sent (`POST`).
    pub method: String,
    /// `https` unless told otherwise.
    pub scheme: String,
    /// Host and optional port.
    pub authority: String,
    /// The absolute path, `/` if empty.
    pub path: String,
    /// The query without the leading `?`.
    pub query: Option<String>,
    /// Header fields in order, names as sent; repeated names allowed.
    pub headers: Vec<(String, String)>,
    /// The content bytes.
    pub body: Vec<u8>,
}

impl Request {
    /// A request for `target` (a path with an optional `?query`) on
    /// `authority`, scheme `https`, no headers, no body.
    pub fn new(method: &str, authority: &str, target: &str) -> Self {
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p, Some(q.to_owned())),
            None => (target, None),
        };
        Request {
            method: method.to_owned(),
            scheme: "https".to_owned(),
            authority: authority.to_owned(),
            path: path.to_owned(),
            query,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Sets the scheme.
    #[must_use]
    pub fn with_scheme(mut self, scheme: &str) -> Self {
        scheme.clone_into(&mut self.scheme);
        self
    }

    /// Appends a header field line.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

/// A response; only here so that response signature bases (RFC 9421
/// B.2.4) can be built. The [`crate::Verifier`] policy is for requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Header fields in order.
    pub headers: Vec<(String, String)>,
    /// The content bytes.
    pub body: Vec<u8>,
}

/// What a signature base is built from: derived components and header
/// fields.
pub trait Message {
    /// The header field lines, in order.
    fn headers(&self) -> &[(String, String)];
    /// A derived component's value (`@method`, …), or `None` if this kind
    /// of message has no such component. `@query-param` is handled apart.
    fn derived(&self, name: &str) -> Option<String>;
    /// The query string without `?`, for `@query-param`.
    fn query(&self) -> Option<&str>;
    /// The content bytes.
    fn body(&self) -> &[u8];
}

impl Request {
    /// The authority normalized: host lowercased, the scheme's default port dropped.
    pub fn normalized_authority(&self) -> String {
        let a = self.authority.to_ascii_lowercase();
        let default = match self.scheme.to_ascii_lowercase().as_str() {
            "https" => Some(":443"),
            "http" => Some(":80"),
            _ => None,
        };
        match default {
            Some(port) if a.ends_with(port) => a[..a.len() - port.len()].to_owned(),
            _ => a,
        }
    }

    fn path_or_root(&self) -> &str {
        if self.path.is_empty() {
            "/"
        } else {
            &self.path
        }
    }
}

impl Message for Request {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn derived(&self, name: &str) -> Option<String> {
        let query = self
            .query
            .as_deref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        Some(match name {
            "@method" => self.method.clone(),
            "@scheme" => self.scheme.to_ascii_lowercase(),
            "@authority" => self.normalized_authority(),
            "@path" => self.path_or_root().to_owned(),
            "@query" => {
                if query.is_empty() {
                    "?".to_owned()
                } else {
                    query
                }
            }
            "@request-target" => format!("{}{query}", self.path_or_root()),
            "@target-uri" => format!(
                "{}://{}{}{query}",
                self.scheme.to_ascii_lowercase(),
                self.normalized_authority(),
                self.path_or_root()
            ),
            _ => return None,
        })
    }

    fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

impl Message for Response {
    fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn derived(&self, name: &str) -> Option<String> {
        (name == "@status").then(|| format!("{:03}", self.status))
    }

    fn query(&self) -> Option<&str> {
        None
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

/// The values of every line of the named field (matched without regard to
/// case), in order.
pub fn field_lines<'a>(msg: &'a dyn Message, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    msg.headers()
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// All lines of the named field combined with `", "`, or `None` if absent.
pub fn combined_field(msg: &dyn Message, name: &str) -> Option<String> {
    let lines: Vec<&str> = field_lines(msg, name).collect();
    (!lines.is_empty()).then(|| lines.join(", "))
}
