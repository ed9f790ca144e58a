//! The page address: a location hash read as the page reads it (the route,
//! the trace page's and the list's parameters, `#url=`, `?source=`), and
//! what the page then does with the parameters (find's query, the list's
//! filter over the fixtures' traces, the backend's addresses). Writing a
//! state back into the address and reading it again must give the same
//! address: the page rewrites its address from its state, and an address
//! that changed on every reading would never settle.

use trace_viewer::model::many::{filter_and_sort, SortBy};
use trace_viewer::model::search::Query;
use trace_viewer::view_model::address::{address_in_fragment, check_address};
use trace_viewer::view_model::backend::BackendTrace;
use trace_viewer::view_model::route::Route;
use trace_viewer::view_model::url_state::{ui_find_query, ListParams, PageState};

use crate::fuzz_target::{fixture_traces, mutate_text, Target};
use crate::rng::Rng;

/// The page address's target.
pub fn target() -> Target {
    Target {
        name: "url-state",
        what: "view_model::route, url_state, address (#url=), backend (?source=)",
        share: 1,
        seeds: SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect(),
        mutate,
        run,
        max_len: 64 << 10,
    }
}

const SEEDS: &[&str] = &[
    "#/",
    "#/why?slow=250000&has=feature.flag%3Dnew-cart",
    "#/why?select=errors&call=frontend%20%E2%86%92%20cart",
    "#/structure?by=p90&path=api%3A%20GET%20%2F%20db%3A%20SELECT",
    "#/services?window=1700000000000000-1700000030000000",
    "",
    "#/trace/4bf92f3577b34da6a3ce929d0e0e4736",
    "#/trace/4BF92F3577B34DA6A3CE929D0E0E4736?span=00f067aa0ba902b7&zoom=0.25,0.5&view=flame&q=service%3Dcart%20duration%3E5ms",
    "#/trace/abc?uiFind=auth+cart%20-x&q=",
    "#/trace/1?source=http%3A%2F%2Fjaeger.local%3A16686%2Fjaeger&span=2",
    "#/trace/0?source=localhost:3200/api/traces/00ff&view=logs",
    "#/compare/4bf92f3577b34da6a3ce929d0e0e4736...00000000000000000000000000000001?zoom=0.9,0.1",
    "#/baseline/ff?view=stats",
    "#/?svc=cart%20service&op=GET&attr=http.status_code%3D500&min=50ms&max=2s&err=1&q=text&sort=longest&view=red",
    "#url=https%3A%2F%2Fexample.com%2Ftraces%2Fa.json",
    "#url=http://user:pw@host/x?y=1&z=2",
    "url=java%09script:alert(1)",
    "#/trace/x?zoom=1e-7,1e-7&span=&q=%zz%F0%9F%98%80",
];

const TOKENS: &[&[u8]] = &[
    b"#",
    b"/",
    b"?",
    b"&",
    b"=",
    b"%",
    b"%2",
    b"%zz",
    b"%00",
    b"%F0%9F%98%80",
    b"%C3",
    b"%25",
    b"+",
    b" ",
    b"\\",
    b"@",
    b":",
    b"...",
    b"trace/",
    b"compare/",
    b"baseline/",
    b"span=",
    b"zoom=",
    b"q=",
    b"uiFind=",
    b"view=",
    b"source=",
    b"url=",
    b"svc=",
    b"op=",
    b"attr=",
    b"min=",
    b"max=",
    b"err=1",
    b"sort=",
    b"red",
    b"flame",
    b"1e308",
    b"-1e-308",
    b"NaN",
    b"inf",
    b"0.999999999999999",
    b"4bf92f3577b34da6a3ce929d0e0e4736",
    b"00f067aa0ba902b7",
    b"http://",
    b"https://",
    b"javascript:",
    b"//",
    b"/api/traces/",
    b"/api/v2/traces/",
    b"duration>",
    b"service=",
    b"\"",
    b"|",
    b"~",
    b"9999999999999999999h",
    b"\xc3",
    b"\xff",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, seeds: &[Vec<u8>]) {
    mutate_text(rng, input, seeds, TOKENS);
}

/// Reads `input` as the page's location hash.
fn run(input: &[u8]) -> Result<bool, String> {
    let hash = String::from_utf8_lossy(input);
    let route = Route::from_hash(&hash);
    if Route::from_hash(&route.to_hash()) != route {
        return Err(format!(
            "the route {route:?}, written as {}, reads back as another",
            route.to_hash()
        ));
    }
    let params = hash.split_once('?').map_or("", |(_, p)| p);
    let state = PageState::parse(params);
    settles("trace page", &state.to_params(), |p| {
        PageState::parse(p).to_params()
    })?;
    let list = ListParams::parse(params);
    settles("list", &list.to_params(), |p| {
        ListParams::parse(p).to_params()
    })?;
    // The list with its view (`#/why?…`, `#/structure?…`): written and read
    // again, the same state.
    let written = ListParams::from_hash(&hash).to_hash();
    let again = ListParams::from_hash(&written);
    if again.to_hash() != written || ListParams::from_hash(&again.to_hash()) != again {
        return Err(format!(
            "the list state written as {written} reads back as {}",
            again.to_hash()
        ));
    }

    // What the page does with what it read.
    std::hint::black_box(ui_find_query(params));
    if let Ok(query) = Query::parse(&state.query) {
        let mut matcher = query.matcher();
        for t in fixture_traces() {
            std::hint::black_box(matcher.matches(t));
        }
    }
    if let Ok(filter) = list.filter.compile() {
        for sort in SortBy::ALL {
            std::hint::black_box(filter_and_sort(fixture_traces(), &filter, sort));
        }
    }
    if let (Route::Trace(id), Some(source)) = (&route, &state.source) {
        if let Ok(trace) = BackendTrace::new(source, id) {
            std::hint::black_box((trace.urls(), trace.name()));
        }
    }
    if let Some(address) = address_in_fragment(&hash) {
        std::hint::black_box(check_address(&address).ok());
    }
    Ok(route != Route::Home || state != PageState::default() || list != ListParams::default())
}

/// Checks that `params`, read and written again by `again`, stays as it is.
fn settles(page: &str, params: &str, again: impl Fn(&str) -> String) -> Result<(), String> {
    let once = again(params.trim_start_matches('?'));
    if once == params {
        Ok(())
    } else {
        Err(format!(
            "the {page}'s parameters {params:?} read back and written again give {once:?}"
        ))
    }
}
