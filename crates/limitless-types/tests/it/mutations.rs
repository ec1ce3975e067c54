//! What an operation needs survives anything done to the rest.
//!
//! Each case takes a captured payload (`shared/fixtures/responses/`), then
//! replaces one or more of its non-essential nodes with `null`, a string, a
//! number, a boolean, an array or an object, or removes it, and checks that
//! the essential read gives exactly what it gave on the untouched payload:
//! the venue lookup of a market, an order's id and amounts, a book's prices
//! and micro-share sizes. The essential values themselves, and the objects
//! and arrays that hold them, are never touched.

use std::sync::LazyLock;

use limitless_types::{
    Decimal, EventFrame, MarketVenue, OrderBook, OrderBookUpdate, OrderResponse, OrderStatusBatch,
    UserOrders,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRng, TestRunner};
use serde_json::{Value, json};

use crate::fixtures::files;
use limitless_testkit::responses_dir;

/// One step of a path pattern.
#[derive(Clone, Copy)]
enum Pat {
    Key(&'static str),
    At(usize),
    AnyIndex,
}

use Pat::{AnyIndex, At, Key};

/// The essential read of a payload, compared before and after mutation.
type Read = fn(&[u8]) -> Result<String, String>;

struct Target {
    folder: &'static str,
    /// Paths of the essential values; their ancestors are kept too.
    essential: &'static [&'static [Pat]],
    read: Read,
}

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

type Level = (Decimal, u64);

fn levels(book: &OrderBook) -> (Vec<Level>, Vec<Level>) {
    let read = |levels: &[limitless_types::OrderBookLevel]| {
        levels
            .iter()
            .map(|l| (l.price, l.size.as_micro()))
            .collect()
    };
    (read(&book.bids), read(&book.asks))
}

fn order_identity(order: &limitless_types::Order) -> (String, Option<u64>, Option<u64>) {
    (order.id.clone(), order.maker_amount, order.taker_amount)
}

const BOOK: &[&[Pat]] = &[
    &[Key("bids"), AnyIndex, Key("price")],
    &[Key("bids"), AnyIndex, Key("size")],
    &[Key("asks"), AnyIndex, Key("price")],
    &[Key("asks"), AnyIndex, Key("size")],
];

const ORDER: [&str; 3] = ["id", "makerAmount", "takerAmount"];

static TARGETS: &[Target] = &[
    Target {
        folder: "market-detail",
        essential: &[&[Key("slug")], &[Key("venue"), Key("exchange")]],
        read: |b| {
            let m: MarketVenue = decode(b)?;
            Ok(format!("{:?}", (m.slug, m.venue.map(|v| v.exchange))))
        },
    },
    Target {
        folder: "orders-create",
        // The wrapper's order, or the bare order of the older answer.
        essential: &[
            &[Key("order"), Key(ORDER[0])],
            &[Key("order"), Key(ORDER[1])],
            &[Key("order"), Key(ORDER[2])],
            &[Key(ORDER[0])],
            &[Key(ORDER[1])],
            &[Key(ORDER[2])],
        ],
        read: |b| {
            let r: OrderResponse = decode(b)?;
            Ok(format!("{:?}", order_identity(&r.order)))
        },
    },
    Target {
        folder: "orders-status-batch",
        essential: &[
            &[
                Key("results"),
                AnyIndex,
                Key("data"),
                Key("order"),
                Key(ORDER[0]),
            ],
            &[
                Key("results"),
                AnyIndex,
                Key("data"),
                Key("order"),
                Key(ORDER[1]),
            ],
            &[
                Key("results"),
                AnyIndex,
                Key("data"),
                Key("order"),
                Key(ORDER[2]),
            ],
        ],
        read: |b| {
            let r: OrderStatusBatch = decode(b)?;
            let orders: Vec<_> = r
                .results
                .iter()
                .map(|s| s.data.as_ref().map(|d| order_identity(&d.order)))
                .collect();
            Ok(format!("{orders:?}"))
        },
    },
    Target {
        folder: "market-user-orders",
        essential: &[
            &[AnyIndex, Key(ORDER[0])],
            &[AnyIndex, Key(ORDER[1])],
            &[AnyIndex, Key(ORDER[2])],
            // The docs' `{"orders": [...]}` example has ids but no amounts.
            &[Key("orders"), AnyIndex, Key(ORDER[0])],
        ],
        read: |b| {
            let r: UserOrders = decode(b)?;
            let orders: Vec<_> = r.orders.iter().map(order_identity).collect();
            Ok(format!("{orders:?}"))
        },
    },
    Target {
        folder: "market-orderbook",
        essential: BOOK,
        read: |b| Ok(format!("{:?}", levels(&decode::<OrderBook>(b)?))),
    },
    Target {
        folder: "ws-orderbook-update",
        essential: &[
            // The event name routes the frame.
            &[At(0)],
            &[At(1), Key("orderbook"), Key("bids"), AnyIndex, Key("price")],
            &[At(1), Key("orderbook"), Key("bids"), AnyIndex, Key("size")],
            &[At(1), Key("orderbook"), Key("asks"), AnyIndex, Key("price")],
            &[At(1), Key("orderbook"), Key("asks"), AnyIndex, Key("size")],
            // Docs examples are the bare payload.
            &[Key("orderbook"), Key("bids"), AnyIndex, Key("price")],
            &[Key("orderbook"), Key("bids"), AnyIndex, Key("size")],
            &[Key("orderbook"), Key("asks"), AnyIndex, Key("price")],
            &[Key("orderbook"), Key("asks"), AnyIndex, Key("size")],
        ],
        read: |b| {
            let f: EventFrame<OrderBookUpdate> = decode(b)?;
            Ok(format!("{:?}", (f.event, levels(&f.payload.orderbook))))
        },
    },
];

/// A captured payload and its essential read.
struct Case {
    target: &'static Target,
    name: String,
    json: Value,
    expected: String,
}

static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    TARGETS
        .iter()
        .flat_map(|target| {
            files(target.folder).into_iter().map(move |(name, bytes)| {
                let expected = (target.read)(&bytes)
                    .unwrap_or_else(|e| panic!("{}/{name}: {e}", target.folder));
                Case {
                    target,
                    name,
                    json: serde_json::from_slice(&bytes).expect("JSON"),
                    expected,
                }
            })
        })
        .collect()
});

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    At(usize),
}

fn paths(value: &Value, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(Seg::Key(key.clone()));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                prefix.push(Seg::At(i));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Whether `path` is an essential value or holds one.
fn is_essential(path: &[Seg], essential: &[&[Pat]]) -> bool {
    essential.iter().any(|pattern| {
        path.len() <= pattern.len()
            && path
                .iter()
                .zip(pattern.iter())
                .all(|(seg, pat)| match (seg, pat) {
                    (Seg::Key(k), Pat::Key(p)) => k == p,
                    (Seg::At(i), Pat::At(p)) => i == p,
                    (Seg::At(_), Pat::AnyIndex) => true,
                    _ => false,
                })
    })
}

/// Nodes a mutation may touch.
fn mutable_paths(json: &Value, essential: &[&[Pat]]) -> Vec<Vec<Seg>> {
    let mut all = Vec::new();
    paths(json, &mut Vec::new(), &mut all);
    all.retain(|path| !is_essential(path, essential));
    all
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Remove,
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            Just(json!(0.5)),
            Just(json!(-1)),
        ],
        prop_oneof![
            "[a-zA-Z0-9 ._-]{0,12}".prop_map(Value::from),
            Just(json!("")),
            Just(json!("0.55")),
            Just(json!("daily")),
            Just(json!("1e400")),
            Just(json!("-1")),
        ],
        Just(json!({})),
        Just(json!({"value": "0.5", "nested": {"a": [1, null]}})),
        Just(json!({"$serde_json::private::Number": "1.5"})),
        Just(json!([])),
        Just(json!([1, "two", null, {}])),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => replacement().prop_map(Mutation::Replace),
        1 => Just(Mutation::Remove),
    ]
}

fn apply(root: &mut Value, path: &[Seg], mutation: Mutation) {
    let (last, parent) = path.split_last().expect("never the root");
    let mut node = root;
    for seg in parent {
        node = match seg {
            Seg::Key(k) => &mut node[k.as_str()],
            Seg::At(i) => &mut node[*i],
        };
    }
    match (node, last, mutation) {
        (Value::Object(map), Seg::Key(k), Mutation::Remove) => {
            map.remove(k);
        }
        (Value::Array(items), Seg::At(i), Mutation::Remove) => {
            items.remove(*i);
        }
        (Value::Object(map), Seg::Key(k), Mutation::Replace(value)) => {
            map.insert(k.clone(), value);
        }
        (Value::Array(items), Seg::At(i), Mutation::Replace(value)) => {
            items[*i] = value;
        }
        (node, seg, _) => panic!("{seg:?} does not address a child of {node}"),
    }
}

#[test]
fn essential_reads_survive_any_change_to_the_rest() {
    if responses_dir().is_none() {
        return;
    }
    assert!(CASES.len() >= 12, "only {} payloads", CASES.len());
    for target in TARGETS {
        assert!(
            CASES.iter().any(|c| c.target.folder == target.folder),
            "no payload in {}",
            target.folder
        );
    }
    // Fixed seed: the same cases every run; no regression files written.
    let config = Config {
        cases: 768,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(config.rng_algorithm),
    );
    let strategy = (
        0..CASES.len(),
        prop::collection::vec((any::<Index>(), mutation()), 1..5),
    );
    let result = runner.run(&strategy, |(case, mutations)| {
        let case = &CASES[case];
        let mut json = case.json.clone();
        for (node, mutation) in mutations {
            let candidates = mutable_paths(&json, case.target.essential);
            if candidates.is_empty() {
                break;
            }
            let path = &candidates[node.index(candidates.len())];
            apply(&mut json, path, mutation);
        }
        let bytes = serde_json::to_vec(&json).expect("JSON");
        let read = (case.target.read)(&bytes);
        prop_assert_eq!(
            read.as_ref(),
            Ok(&case.expected),
            "{}/{} mutated to {}",
            case.target.folder,
            case.name,
            json
        );
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn the_essential_paths_name_real_values() {
    // Guards the table: every essential pattern of a folder must match a
    // value in at least one of its payloads, or a typo would silently
    // leave that value open to mutation.
    // The docs' capture of `POST /orders` (an outdated example) has no
    // order id; the bare-order capture has no wrapper.
    let absent = [("orders-create", "id")];
    if responses_dir().is_none() {
        return;
    }
    for target in TARGETS {
        for pattern in target.essential {
            if let Some(Key(last)) = pattern.last()
                && absent.contains(&(target.folder, *last))
            {
                continue;
            }
            let found = CASES
                .iter()
                .filter(|c| c.target.folder == target.folder)
                .any(|c| {
                    let mut all = Vec::new();
                    paths(&c.json, &mut Vec::new(), &mut all);
                    all.iter()
                        .any(|p| p.len() == pattern.len() && is_essential(p, &[pattern]))
                });
            assert!(
                found,
                "{}: an essential path matches nothing",
                target.folder
            );
        }
    }
}
