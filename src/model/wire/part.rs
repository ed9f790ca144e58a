//! A part of a file read apart by a helper worker ([`crate::model::formats::parallel`])
//! as bytes and back: its pools, its raw spans and the process keys they name.

use super::bytes::{Reader, WireError, Writer};
use super::codec::{read_pools, read_raw, read_warnings, write_pools, write_raw, write_warnings};
use crate::model::formats::parallel::{Part, PartKind};

/// Bytes the encoded part will take, roughly, so the buffer grows once.
pub(super) fn estimate(part: &Part) -> usize {
    64 + part.spans.len() * 130
        + part.pools.text.len_bytes()
        + part.pools.attrs.len() * 17
        + part.pools.events.len() * 20
        + part.pools.links.len() * 50
}

pub(super) fn write_kind(w: &mut Writer, kind: PartKind) {
    w.u8(PartKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8);
}

pub(super) fn read_kind(r: &mut Reader) -> Result<PartKind, WireError> {
    PartKind::ALL
        .get(r.u8()? as usize)
        .copied()
        .ok_or(WireError("unknown part kind"))
}

pub(super) fn write_part(w: &mut Writer, part: &Part) {
    write_pools(w, &part.pools);
    w.u32(part.spans.len() as u32);
    for s in &part.spans {
        write_raw(w, s);
    }
    w.u32(part.process_keys.len() as u32);
    for k in &part.process_keys {
        w.str(k);
    }
    w.u32(part.span_keys.len() as u32);
    for &k in &part.span_keys {
        w.u32(k);
    }
    write_warnings(w, &part.warnings);
}

pub(super) fn read_part(r: &mut Reader) -> Result<Part, WireError> {
    let pools = read_pools(r)?;
    let n = r.len(60)?;
    let mut spans = Vec::with_capacity(n);
    for _ in 0..n {
        spans.push(read_raw(r)?);
    }
    let n = r.len(4)?;
    let mut process_keys = Vec::with_capacity(n);
    for _ in 0..n {
        process_keys.push(r.string()?);
    }
    let n = r.len(4)?;
    let mut span_keys = Vec::with_capacity(n);
    for _ in 0..n {
        span_keys.push(r.u32()?);
    }
    let warnings = read_warnings(r)?;
    Ok(Part {
        pools,
        spans,
        process_keys,
        span_keys,
        warnings,
    })
}
