//! The service graph's drawing, without a browser: boxes by call column,
//! arrows straight, arcing or looping, everything inside the drawing.
#![cfg(not(target_arch = "wasm32"))]

use trace_viewer::model::graph::{service_graph, ServiceEdge, ServiceGraph, ServiceNode};
use trace_viewer::model::load;
use trace_viewer::model::strings::StrId;
use trace_viewer::view_model::graph::{busiest, layout, GraphLayout, NODE_H, NODE_W};

fn node(layer: u32, row: u32) -> ServiceNode {
    ServiceNode {
        service: StrId(0),
        spans: 1,
        errors: 0,
        self_nanos: 0,
        layer,
        row,
    }
}

fn edge(from: usize, to: usize) -> ServiceEdge {
    ServiceEdge {
        from,
        to,
        calls: 1,
        errors: 0,
        total_nanos: 1,
    }
}

/// The numbers of an SVG path, in order.
fn numbers(path: &str) -> Vec<f64> {
    path.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// Every box and every arrow's points and label lie inside the drawing, and
/// no two boxes overlap.
fn assert_inside(l: &GraphLayout) {
    for &(x, y) in &l.boxes {
        assert!(x >= 0.0 && y >= 0.0, "box at {x},{y}");
        assert!(
            x + NODE_W <= l.width && y + NODE_H <= l.height,
            "box at {x},{y} in {}x{}",
            l.width,
            l.height
        );
    }
    for (i, a) in l.boxes.iter().enumerate() {
        for b in &l.boxes[i + 1..] {
            let apart = a.0 + NODE_W <= b.0
                || b.0 + NODE_W <= a.0
                || a.1 + NODE_H <= b.1
                || b.1 + NODE_H <= a.1;
            assert!(apart, "boxes at {a:?} and {b:?} overlap");
        }
    }
    for arrow in &l.arrows {
        let xy = numbers(&arrow.line);
        // M x,y C x,y x,y x,y: every point and control point is absolute.
        for p in xy.chunks(2) {
            assert!(p[0] >= 0.0 && p[0] <= l.width, "{}", arrow.line);
            assert!(p[1] >= 0.0 && p[1] <= l.height, "{}", arrow.line);
        }
        assert!(
            arrow.label_y >= 0.0 && arrow.label_y <= l.height,
            "label at {}",
            arrow.label_y
        );
    }
}

#[test]
fn calls_to_the_next_column_go_straight_from_side_to_side() {
    // a → b → c, one column each.
    let g = ServiceGraph {
        nodes: vec![node(0, 0), node(1, 0), node(2, 0)],
        edges: vec![edge(0, 1), edge(1, 2)],
    };
    let l = layout(&g);
    let xs: Vec<f64> = l.boxes.iter().map(|b| b.0).collect();
    assert!(
        xs[0] < xs[1] && xs[1] < xs[2],
        "columns left to right: {xs:?}"
    );
    assert!(l.boxes.iter().all(|b| b.1 == l.boxes[0].1), "one row");
    let a = &l.arrows[0];
    let p = numbers(&a.line);
    // From the middle of a's right side to the middle of b's left side.
    assert_eq!(
        (p[0], p[1]),
        (l.boxes[0].0 + NODE_W, l.boxes[0].1 + NODE_H / 2.0)
    );
    assert_eq!((p[6], p[7]), (l.boxes[1].0, l.boxes[1].1 + NODE_H / 2.0));
    // The head points at b, the label sits between the boxes.
    assert!(a.tip.starts_with(&format!("M{},{}", p[6], p[7])));
    assert!(a.label_x > p[0] && a.label_x < p[6]);
    assert_inside(&l);
}

#[test]
fn calls_skipping_columns_arc_over_the_boxes_between() {
    // a → b → c and a → c: the second call arcs over b.
    let g = ServiceGraph {
        nodes: vec![node(0, 0), node(1, 0), node(2, 0)],
        edges: vec![edge(0, 1), edge(0, 2), edge(1, 2)],
    };
    let l = layout(&g);
    let arc = l
        .arrows
        .iter()
        .find(|a| a.edge == 1)
        .expect("the a → c arrow");
    let p = numbers(&arc.line);
    let top_of_boxes = l.boxes[1].1;
    assert!(
        p[3] < top_of_boxes && p[5] < top_of_boxes,
        "arcs above the boxes: {}",
        arc.line
    );
    // Leaves a's top and lands on c's top.
    assert_eq!(p[1], l.boxes[0].1);
    assert_eq!(p[7], l.boxes[2].1);
    assert_inside(&l);
}

#[test]
fn calls_back_loop_below_and_stay_in_the_drawing() {
    // a → b, and b calls back into a (a cycle), and b calls itself.
    let g = ServiceGraph {
        nodes: vec![node(0, 0), node(1, 0)],
        edges: vec![edge(0, 1), edge(1, 0), edge(1, 1)],
    };
    let l = layout(&g);
    for back in l.arrows.iter().filter(|a| a.edge > 0) {
        let p = numbers(&back.line);
        let bottom = l.boxes[0].1 + NODE_H;
        assert!(p[3] > bottom, "loops below the boxes: {}", back.line);
    }
    assert_inside(&l);
}

#[test]
fn calls_naming_unknown_services_are_left_out() {
    let g = ServiceGraph {
        nodes: vec![node(0, 0)],
        edges: vec![edge(0, 7)],
    };
    let l = layout(&g);
    assert!(l.arrows.is_empty());
    assert_eq!(l.boxes.len(), 1);
    assert_inside(&GraphLayout::default());
}

#[test]
fn every_fixture_trace_lays_out_without_overlaps() {
    let mut laid = 0;
    for name in [
        "jaeger-checkout.json",
        "jaeger-clock-skew.json",
        "otlp-three-traces.json",
        "xray-batch-get-traces.json",
    ] {
        let bytes = std::fs::read(format!("tests/fixtures/{name}")).unwrap();
        for t in load(&bytes).unwrap().traces {
            let g = service_graph(&t);
            let l = layout(&g);
            assert_eq!(l.boxes.len(), t.services.len(), "{name}");
            assert_eq!(l.arrows.len(), g.edges.len(), "{name}");
            assert_inside(&l);
            laid += 1;
        }
    }
    assert!(laid >= 4, "{laid} traces laid out");
}

#[test]
fn a_graph_of_many_services_draws_the_busiest_and_the_calls_between_them() {
    // A root service calling 1,000 services, service i with i + 1 spans,
    // each of the first 999 calling the next one.
    let n = 1_001;
    let mut nodes: Vec<ServiceNode> = (0..n)
        .map(|i| ServiceNode {
            spans: i as u32 + 1,
            ..node(
                if i == 0 { 0 } else { 1 },
                if i == 0 { 0 } else { i as u32 - 1 },
            )
        })
        .collect();
    nodes[0].spans = 1;
    let mut edges: Vec<ServiceEdge> = (1..n).map(|i| edge(0, i)).collect();
    edges.extend((1..n - 1).map(|i| edge(i, i + 1)));
    edges.sort_by_key(|e| (e.from, e.to));
    let g = ServiceGraph { nodes, edges };

    let d = busiest(&g, 150);
    assert_eq!(d.graph.nodes.len(), 150);
    assert_eq!(d.kept.len(), 150);
    // The busiest: services 851..=1000 (851 to 1001 spans).
    let least_kept = d.kept.iter().map(|&i| g.nodes[i].spans).min().unwrap();
    let most_left = (0..n)
        .filter(|i| !d.kept.contains(i))
        .map(|i| g.nodes[i].spans)
        .max()
        .unwrap();
    assert!(
        least_kept >= most_left,
        "kept {least_kept}, left out {most_left}"
    );
    // Each drawn node is the node it stands for, rows without gaps.
    for (i, &k) in d.kept.iter().enumerate() {
        assert_eq!(d.graph.nodes[i].spans, g.nodes[k].spans);
        assert_eq!(d.graph.nodes[i].layer, g.nodes[k].layer);
    }
    let rows: Vec<u32> = d.graph.nodes.iter().map(|n| n.row).collect();
    assert_eq!(rows, (0..150).collect::<Vec<u32>>());
    // Exactly the calls between drawn services: 851 → 852 … 999 → 1000.
    assert_eq!(d.graph.edges.len(), 149);
    for e in &d.graph.edges {
        assert_eq!(d.kept[e.to], d.kept[e.from] + 1);
    }
    assert_inside(&layout(&d.graph));

    // Small graphs are drawn whole.
    let small = busiest(&g, n);
    assert_eq!(small.graph, g);
    assert_eq!(small.kept, (0..n).collect::<Vec<_>>());
}
