//! Compare (`lab.html#compare&s=…`): a history from the app (its share link's `s=`) run under its
//! own settings and with the band split the other way, the two grids one above the other at the
//! step a scrubber picks (the end first), and the steps whose outcome differs listed and marked on
//! both (the ports an outcome took ringed, the port a refusal fought over crossed).

use crate::grid::{Holders, StillGrid};
use crate::linked;
use portband_allocator::PortRange;
use portband_contract::Settings;
use portband_web::words::thousands;
use portband_web::worker_link::{read, Call, Handle, Link, Target};
use serde::Deserialize;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The most differences listed (each is marked on the grids all the same).
const LISTED: usize = 200;

/// What Compare reads of a difference (the module's `Difference`: the rest of its log lines is
/// left unread, and so costs this page no code).
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Difference {
    step: usize,
    here: LogLine,
    there: LogLine,
}

/// What Compare reads of a log line.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct LogLine {
    step: Step,
    held: Vec<Held>,
    cause: Option<Cause>,
}

/// What Compare reads of a step.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Step {
    service: String,
    result: String,
    error: Option<String>,
}

/// A nodePort a step holds.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Held {
    node_port: i32,
}

/// Why a step was refused: the port it asked for and who holds it, when that was why.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Cause {
    kind: String,
    port: Option<i32>,
    holder: Option<Holder>,
}

/// Who holds a port.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Holder {
    service: String,
}

/// One run of the history: its settings, and its cluster in the worker.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    settings: Settings,
    cluster: Handle,
}

/// The history under both settings.
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    steps: usize,
    here: Run,
    there: Run,
    differences: Vec<Difference>,
}

/// Both runs after a number of steps: who holds each port in each.
#[derive(Clone, Debug, PartialEq)]
struct Shown {
    at: usize,
    here: Rc<Holders>,
    there: Rc<Holders>,
}

/// Runs `scenario` in the worker under its settings and with the band split the other way; the
/// two clusters stay in the worker, to be looked at step by step.
async fn compare(link: &Link, scenario: &str) -> Result<Comparison, String> {
    let opened = link
        .run(vec![
            Call::new(Target::Module, "Cluster.fromScenario", &[scenario.into()]),
            Call::new(Target::Result(0), "settings", &[]),
            Call::new(Target::Result(0), "length", &[]),
        ])
        .await
        .map_err(|e| e.message)?;
    let here = Handle::of(&opened[0]).ok_or("the engine made no cluster")?;
    let settings: Settings = read(&opened[1]).map_err(|e| e.message)?;
    let other = js_sys::Object::new();
    // Setting a property on a fresh object cannot fail.
    let _ = js_sys::Reflect::set(
        &other,
        &"staticSubrange".into(),
        &(!settings.static_subrange).into(),
    );
    let on = Target::Object(&here);
    let answer = link
        .run(vec![
            Call::new(on, "withSettings", &[other.into()]),
            Call::new(on, "differences", &[Call::result(0)]),
            Call::new(Target::Result(0), "settings", &[]),
        ])
        .await
        .map_err(|e| e.message)?;
    let there = Handle::of(&answer[0]).ok_or("the engine made no second cluster")?;
    Ok(Comparison {
        steps: opened[2].as_f64().unwrap_or(0.0) as usize,
        here: Run {
            settings,
            cluster: here,
        },
        there: Run {
            settings: read(&answer[2]).map_err(|e| e.message)?,
            cluster: there,
        },
        differences: read(&answer[1]).map_err(|e| e.message)?,
    })
}

/// Both runs after `at` steps (the moments made for it are freed at once).
async fn shown(link: &Link, c: &Comparison, at: usize) -> Result<Shown, String> {
    let at_value = [JsValue::from(at as u32)];
    let answer = link
        .run(vec![
            Call::new(Target::Object(&c.here.cluster), "at", &at_value),
            Call::new(Target::Result(0), "holders", &[]),
            Call::new(Target::Result(0), "free", &[]),
            Call::new(Target::Object(&c.there.cluster), "at", &at_value),
            Call::new(Target::Result(3), "holders", &[]),
            Call::new(Target::Result(3), "free", &[]),
        ])
        .await
        .map_err(|e| e.message)?;
    Ok(Shown {
        at,
        here: Rc::new(Holders::of(&answer[1])),
        there: Rc::new(Holders::of(&answer[4])),
    })
}

/// How a run is set, in words: `with the band split`.
fn split(settings: &Settings) -> &'static str {
    if settings.static_subrange {
        "with the band split"
    } else {
        "without the band split"
    }
}

/// A step's outcome in words: `created (30009)`, `refused: …`.
fn outcome(line: &LogLine) -> String {
    let ports: Vec<String> = line.held.iter().map(|h| h.node_port.to_string()).collect();
    let taken = line.cause.as_ref().filter(|c| c.kind == "taken");
    match (
        &line.step.error,
        taken.and_then(|c| Some((c.port?, c.holder.as_ref()?))),
    ) {
        (Some(error), Some((port, holder))) => {
            format!("refused: {error} ({port} is held by {})", holder.service)
        }
        (Some(error), _) => format!("refused: {error}"),
        (None, _) if ports.is_empty() => line.step.result.clone(),
        (None, _) => format!("{} ({})", line.step.result, ports.join(", ")),
    }
}

/// The port offsets to ring (what each differing step held) and to cross (the port its refusal
/// fought over) on one run's grid.
fn marks(run: &Run, lines: &[&LogLine]) -> (Vec<usize>, Vec<usize>) {
    let Ok(range) = run.settings.range.parse::<PortRange>() else {
        return Default::default();
    };
    let offset = |port: i32| range.offset_of(i64::from(port)).map(|o| o as usize);
    let rings = lines
        .iter()
        .flat_map(|l| &l.held)
        .filter_map(|h| offset(h.node_port))
        .collect();
    let crosses = lines
        .iter()
        .filter_map(|l| l.cause.as_ref().filter(|c| c.kind == "taken")?.port)
        .filter_map(offset)
        .collect();
    (rings, crosses)
}

/// One run's grid after some steps, titled by its settings.
fn grid(run: &Run, holders: &Rc<Holders>, lines: &[&LogLine], testid: &'static str) -> Html {
    let (rings, crosses) = marks(run, lines);
    let s = &run.settings;
    let static_size = s.bands.static_band.size as usize;
    let title = format!(
        "{}: range {}, seed {}, Kubernetes {}",
        split(s),
        s.range,
        s.seed,
        s.kubernetes_version
    );
    let used = holders.services.iter().filter(|&&h| h >= 0).count();
    let label = format!(
        "The grid {}: {} of {} ports held; the ports of Services whose outcome differs are ringed, and a port a refusal fought over is crossed",
        split(s),
        thousands(used as u32),
        thousands(holders.services.len() as u32)
    );
    html! {
        <section class="compare-run" data-testid={testid}>
            <h2>{ title }</h2>
            <StillGrid holders={holders.clone()} {static_size} {rings} {crosses} {label} />
        </section>
    }
}

/// The Compare view.
#[component]
pub fn Compare() -> Html {
    let link = use_memo((), |_| Link::spawn().map_err(|e| e.message));
    let state = use_state(|| None::<Result<Rc<Comparison>, String>>);
    let view = use_state(|| None::<Shown>);
    // The step asked for last: an answer for another is dropped (the scrubber moves faster than
    // the worker answers).
    let wanted = use_memo((), |_| Rc::new(Cell::new(0usize)));
    let show = {
        let (link, state, view, wanted) =
            (link.clone(), state.clone(), view.clone(), (*wanted).clone());
        move |comparison: Rc<Comparison>, at: usize| {
            let Ok(link) = (*link).clone() else { return };
            wanted.set(at);
            let (state, view, wanted) = (state.clone(), view.clone(), wanted.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match shown(&link, &comparison, at).await {
                    Ok(shown) if wanted.get() == at => view.set(Some(shown)),
                    Ok(_) => {}
                    Err(why) => state.set(Some(Err(why))),
                }
            });
        }
    };
    {
        let (link, state, show) = (link.clone(), state.clone(), show.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                const MISSING: &str = "This address names no history to compare: open Compare from the app, where it takes the history you are working on.";
                let result = match linked::history(&link, MISSING).await {
                    Ok((link, scenario)) => compare(&link, &scenario).await.map(Rc::new),
                    Err(why) => Err(why),
                };
                if let Ok(comparison) = &result {
                    show(comparison.clone(), comparison.steps);
                }
                state.set(Some(result));
            });
        });
    }
    let (comparison, shown) = match (&*state, &*view) {
        (Some(Err(why)), _) => {
            return html! { <div class="problem" role="alert" data-testid="error">{ why }</div> }
        }
        (Some(Ok(comparison)), Some(shown)) => (comparison.clone(), shown.clone()),
        _ => {
            return html! { <p class="lab-progress" role="status" data-testid="compare-status">{ "Running the history both ways…" }</p> }
        }
    };
    let c = &*comparison;
    let (here, there) = (split(&c.here.settings), split(&c.there.settings));
    let count = c.differences.len();
    let steps = thousands(c.steps as u32);
    let summary = match count {
        0 => format!(
            "The history's {steps} steps, {here} and {there}: no outcome differs (dynamic nodePorts land in other places, but every Service gets the same answer)."
        ),
        1 => format!("The history's {steps} steps, {here} and {there}: one outcome differs."),
        n => format!(
            "The history's {steps} steps, {here} and {there}: {} outcomes differ.",
            thousands(n as u32)
        ),
    };
    // The differences up to the step shown are marked.
    let happened: Vec<&Difference> = c.differences.iter().filter(|d| d.step < shown.at).collect();
    let ours: Vec<&LogLine> = happened.iter().map(|d| &d.here).collect();
    let theirs: Vec<&LogLine> = happened.iter().map(|d| &d.there).collect();
    let seek = |at: usize| {
        let (show, comparison) = (show.clone(), comparison.clone());
        Callback::from(move |_: MouseEvent| show(comparison.clone(), at))
    };
    let onscrub = {
        let (show, comparison) = (show.clone(), comparison.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(at) = value.parse() {
                show(comparison.clone(), at);
            }
        })
    };
    let items = c.differences.iter().take(LISTED).map(|d| {
        html! {
            <li data-testid="difference">
                <button class="link" onclick={seek(d.step + 1)} title="Show both grids after this step">
                    { format!("Step {} · {}", d.step + 1, d.here.step.service) }
                </button>
                <br />
                { format!("{here}: {}", outcome(&d.here)) }
                <br />
                { format!("{there}: {}", outcome(&d.there)) }
            </li>
        }
    });
    let at = shown.at;
    html! {
        <section class="compare">
            <p class="lab-reading" data-testid="compare-summary" aria-live="polite">{ summary }</p>
            <p class="compare-step">
                <button onclick={seek(at.saturating_sub(1))} disabled={at == 0} aria-label="One step back">{ "◀" }</button>
                <input type="range" data-testid="compare-scrubber" aria-label="The step both grids show" min="0"
                    max={c.steps.to_string()} value={at.to_string()} oninput={onscrub} />
                <button onclick={seek((at + 1).min(c.steps))} disabled={at >= c.steps} aria-label="One step forward">{ "▶" }</button>
                <span data-testid="compare-position" aria-live="polite">{ format!("After step {} of {steps}", thousands(at as u32)) }</span>
            </p>
            <p class="hint">{ "Ringed: the ports an outcome that differs took, up to the step shown; crossed in red: the port a refusal fought over." }</p>
            { grid(&c.here, &shown.here, &ours, "compare-here") }
            { grid(&c.there, &shown.there, &theirs, "compare-there") }
            if count > 0 {
                <h2>{ "Outcomes that differ" }</h2>
                <ol class="differences">{ for items }</ol>
                if count > LISTED {
                    <p class="hint">{ format!("and {} more, marked on the grids", thousands((count - LISTED) as u32)) }</p>
                }
            }
        </section>
    }
}
