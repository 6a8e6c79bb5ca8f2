//! Signature parameters, the signature base (RFC 9421 §2.3, §2.5), and
//! Ed25519 signing and strict verification (§3.3.6).

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::component::ComponentId;
use crate::error::Error;
use crate::message::{Message, Request, combined_field};
use crate::sf::{self, BareItem, Member};

/// The covered components and the signature parameters of one signature,
/// parameters kept in the order given (the order is part of what is signed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureParams {
    components: Vec<ComponentId>,
    params: sf::Params,
}

fn integer_param(name: &str) -> bool {
    matches!(name, "created" | "expires")
}

fn string_param(name: &str) -> bool {
    matches!(name, "nonce" | "keyid" | "alg" | "tag")
}

impl SignatureParams {
    /// Covering `components`, with no parameters yet.
    pub fn new(components: impl IntoIterator<Item = ComponentId>) -> Self {
        SignatureParams {
            components: components.into_iter().collect(),
            params: Vec::new(),
        }
    }

    fn set(mut self, name: &str, value: BareItem) -> Self {
        if let Some(slot) = self.params.iter_mut().find(|(k, _)| k == name) {
            slot.1 = value;
        } else {
            self.params.push((name.to_owned(), value));
        }
        self
    }

    /// Sets `created` (seconds since the epoch).
    #[must_use]
    pub fn with_created(self, t: i64) -> Self {
        self.set("created", BareItem::Integer(t))
    }
    /// Sets `expires`.
    #[must_use]
    pub fn with_expires(self, t: i64) -> Self {
        self.set("expires", BareItem::Integer(t))
    }
    /// Sets `nonce`.
    #[must_use]
    pub fn with_nonce(self, nonce: &str) -> Self {
        self.set("nonce", BareItem::String(nonce.to_owned()))
    }
    /// Sets `keyid`.
    #[must_use]
    pub fn with_keyid(self, keyid: &str) -> Self {
        self.set("keyid", BareItem::String(keyid.to_owned()))
    }
    /// Sets `alg`.
    #[must_use]
    pub fn with_alg(self, alg: &str) -> Self {
        self.set("alg", BareItem::String(alg.to_owned()))
    }
    /// Sets `tag`.
    #[must_use]
    pub fn with_tag(self, tag: &str) -> Self {
        self.set("tag", BareItem::String(tag.to_owned()))
    }

    /// The covered components, in order.
    pub fn components(&self) -> &[ComponentId] {
        &self.components
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.params.iter().find_map(|(k, v)| match v {
            BareItem::Integer(n) if k == name => Some(*n),
            _ => None,
        })
    }
    fn string(&self, name: &str) -> Option<&str> {
        self.params.iter().find_map(|(k, v)| match v {
            BareItem::String(s) if k == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// `created`.
    pub fn created(&self) -> Option<i64> {
        self.int("created")
    }
    /// `expires`.
    pub fn expires(&self) -> Option<i64> {
        self.int("expires")
    }
    /// `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.string("nonce")
    }
    /// `keyid`.
    pub fn keyid(&self) -> Option<&str> {
        self.string("keyid")
    }
    /// `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.string("alg")
    }
    /// `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.string("tag")
    }

    /// Whether `id` is covered.
    pub fn covers(&self, id: &ComponentId) -> bool {
        self.components.contains(id)
    }

    /// From a parsed `Signature-Input` member.
    pub fn from_member(label: &str, member: &Member) -> Result<Self, Error> {
        let Member::InnerList(items, params) = member else {
            return Err(Error::shape(
                "Signature-Input",
                format!("member {label} is not an inner list"),
            ));
        };
        let components = items
            .iter()
            .map(ComponentId::from_item)
            .collect::<Result<Vec<_>, _>>()?;
        for (k, v) in params {
            let ok = match v {
                BareItem::Integer(n) => integer_param(k) && *n >= 0,
                BareItem::String(_) => string_param(k),
                _ => !integer_param(k) && !string_param(k),
            };
            if !ok {
                let want = if integer_param(k) {
                    "a non-negative integer"
                } else {
                    "a string"
                };
                return Err(Error::BadParameter {
                    name: k.clone(),
                    reason: format!("must be {want}"),
                });
            }
        }
        Ok(SignatureParams {
            components,
            params: params.clone(),
        })
    }

    /// The serialized inner list: the `@signature-params` value and the
    /// `Signature-Input` member value.
    pub fn serialize(&self) -> Result<String, Error> {
        let items: Vec<sf::Item> = self.components.iter().map(ComponentId::to_item).collect();
        let mut out = String::new();
        sf::write_inner_list(&mut out, &items, &self.params)
            .map_err(|e| Error::shape("@signature-params", e.0))?;
        Ok(out)
    }
}

/// The signature base (RFC 9421 §2.5): one line per covered component,
/// then the `@signature-params` line, joined by LF with no trailing LF.
pub fn signature_base(msg: &dyn Message, params: &SignatureParams) -> Result<String, Error> {
    let mut base = String::new();
    for (n, id) in params.components.iter().enumerate() {
        if params.components[..n].contains(id) {
            return Err(Error::DuplicateComponent(id.to_string()));
        }
        let value = id.value(msg)?;
        base.push_str(&id.to_string());
        base.push_str(": ");
        base.push_str(&value);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&params.serialize()?);
    Ok(base)
}

/// The two header field values a signature adds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureFields {
    /// `Signature-Input` value: `label=(…);params`.
    pub signature_input: String,
    /// `Signature` value: `label=:base64:`.
    pub signature: String,
}

impl SignatureFields {
    /// Appends both fields to the request.
    pub fn apply(&self, req: &mut Request) {
        req.headers
            .push(("Signature-Input".to_owned(), self.signature_input.clone()));
        req.headers
            .push(("Signature".to_owned(), self.signature.clone()));
    }
}

fn check_label(label: &str) -> Result<(), Error> {
    sf::write_dictionary(&vec![(
        label.to_owned(),
        Member::InnerList(Vec::new(), Vec::new()),
    )])
    .map(|_| ())
    .map_err(|e| Error::shape("signature label", e.0))
}

/// Signs `msg` with Ed25519 under `label`.
pub fn sign(
    msg: &dyn Message,
    label: &str,
    params: &SignatureParams,
    key: &SigningKey,
) -> Result<SignatureFields, Error> {
    check_label(label)?;
    if params.alg().is_some_and(|a| a != "ed25519") {
        return Err(Error::Algorithm(
            params.alg().unwrap_or_default().to_owned(),
        ));
    }
    let base = signature_base(msg, params)?;
    let sig = key.sign(base.as_bytes());
    let signature = sf::write_dictionary(&vec![(
        label.to_owned(),
        Member::Item(sf::Item {
            bare: BareItem::ByteSeq(sig.to_bytes().to_vec()),
            params: Vec::new(),
        }),
    )])
    .map_err(|e| Error::shape("Signature", e.0))?;
    Ok(SignatureFields {
        signature_input: format!("{label}={}", params.serialize()?),
        signature,
    })
}

/// One signature found in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// Its label.
    pub label: String,
    /// What it covers and its parameters.
    pub params: SignatureParams,
    /// The signature bytes.
    pub signature: Vec<u8>,
}

/// The signature under `label` — or the only one when `label` is `None` —
/// from the `Signature-Input` and `Signature` fields of `msg`.
pub fn find_signature(msg: &dyn Message, label: Option<&str>) -> Result<Signed, Error> {
    let input =
        combined_field(msg, "signature-input").ok_or(Error::MissingField("Signature-Input"))?;
    let sigs = combined_field(msg, "signature").ok_or(Error::MissingField("Signature"))?;
    let input = sf::parse_dictionary(&input).map_err(|e| Error::parse("Signature-Input", e))?;
    let sigs = sf::parse_dictionary(&sigs).map_err(|e| Error::parse("Signature", e))?;
    let label = match label {
        Some(l) => l.to_owned(),
        None => match input.as_slice() {
            [(l, _)] => l.clone(),
            [] => return Err(Error::shape("Signature-Input", "is empty")),
            many => {
                let labels: Vec<&str> = many.iter().map(|(l, _)| l.as_str()).collect();
                return Err(Error::AmbiguousLabel(labels.join(", ")));
            }
        },
    };
    let member = input.iter().find(|(l, _)| *l == label).map(|(_, m)| m);
    let sig = sigs.iter().find(|(l, _)| *l == label).map(|(_, m)| m);
    let (Some(member), Some(sig)) = (member, sig) else {
        return Err(Error::UnknownLabel(label));
    };
    let params = SignatureParams::from_member(&label, member)?;
    let signature = match sig {
        Member::Item(sf::Item {
            bare: BareItem::ByteSeq(b),
            ..
        }) => b.clone(),
        _ => {
            return Err(Error::shape(
                "Signature",
                format!("member {label} is not a byte sequence"),
            ));
        }
    };
    Ok(Signed {
        label,
        params,
        signature,
    })
}

/// Verifies one found signature with Ed25519 (strict: non-canonical `S`
/// and small-order keys or `R` are refused). Checks nothing of policy.
pub fn verify_signed(msg: &dyn Message, signed: &Signed, key: &VerifyingKey) -> Result<(), Error> {
    if let Some(alg) = signed.params.alg()
        && alg != "ed25519"
    {
        return Err(Error::Algorithm(alg.to_owned()));
    }
    let bytes: [u8; 64] = signed
        .signature
        .as_slice()
        .try_into()
        .map_err(|_| Error::SignatureLength(signed.signature.len()))?;
    let base = signature_base(msg, &signed.params)?;
    key.verify_strict(base.as_bytes(), &Signature::from_bytes(&bytes))
        .map_err(|_| Error::BadSignature {
            keyid: signed.params.keyid().unwrap_or_default().to_owned(),
        })
}
