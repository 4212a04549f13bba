//! The portband lab page (`lab.html`): how likely a Service that needs a fixed nodePort finds it taken,
//! with and without the band split. The trials run in the engine's Web Worker (the module's
//! `Simulation`, a slice at a time), so the page answers input while they run; the result is
//! drawn as a chart and read as a sentence, and exported as CSV and SVG. The parameters live in
//! the address, so that a lab's link reproduces its chart. The lab's other views take a history
//! from the app: `lab.html#compare&s=…`, Compare (`compare.rs`), with and without the split, and
//! `lab.html#addresses&s=…`, ClusterIPs (`addresses.rs`), its service CIDRs as a grid.

mod addresses;
mod chart;
mod compare;
mod grid;
mod linked;
mod params;

use chart::{reading, Chart};
use params::{Field, Params};
use portband_contract::SimulationReport;
use portband_web::words::thousands;
use portband_web::worker_link::{read, Call, Handle, Link, Target};
use portband_web::{browser, panic_banner};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Where the trials stand.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    /// Nothing is running.
    Idle,
    /// Trials are running: how many of how many (over both modes), and for how long so far (ms).
    Running(u32, u32, f64),
    /// The last run was stopped after this many of how many trials.
    Stopped(u32, u32),
}

/// The work a slice of trials should take in the worker, in milliseconds: short enough that
/// Cancel is soon heard, long enough that messages cost little.
const SLICE_MS: f64 = 60.0;

/// The time a run has left, in words, judged by the pace so far (`elapsed` ms for `done` of
/// `total` trials); none before there is a pace to judge by, or when little is left.
fn time_left(elapsed: f64, done: u32, total: u32) -> Option<String> {
    if done == 0 || elapsed < 500.0 {
        return None;
    }
    let seconds =
        (elapsed * f64::from(total.saturating_sub(done)) / f64::from(done) / 1000.0).round() as u64;
    match seconds {
        0..=1 => None,
        2..=90 => Some(format!("about {seconds} s left")),
        _ => Some(format!("about {} min left", seconds.div_ceil(60))),
    }
}

/// Runs the simulation `options` describe in the worker, telling `progress` after each slice
/// (trials done, of how many, in how many ms), until it is done or `stop` is set; its report,
/// or why not (`None` once stopped).
async fn simulate(
    link: &Link,
    options: JsValue,
    stop: &Cell<bool>,
    progress: impl Fn(u32, u32, f64),
) -> Result<Option<SimulationReport>, String> {
    let made = link
        .run(vec![Call::new(
            Target::Module,
            "new Simulation",
            &[options],
        )])
        .await
        .map_err(|e| e.message)?;
    let simulation = Handle::of(&made[0]).ok_or("the engine made no simulation")?;
    let on = Target::Object(&simulation);
    let mut slice = 200u32;
    let begun = js_sys::Date::now();
    let result = loop {
        if stop.get() {
            break Ok(None);
        }
        let started = js_sys::Date::now();
        let answer = link
            .run(vec![
                Call::new(on, "run", &[slice.into()]),
                Call::new(on, "done", &[]),
                Call::new(on, "total", &[]),
            ])
            .await;
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => break Err(e.message),
        };
        let number = |i: usize| answer[i].as_f64().unwrap_or(0.0) as u32;
        progress(number(1), number(2), js_sys::Date::now() - begun);
        if answer[0].as_bool() == Some(true) {
            let report = link
                .run(vec![Call::new(on, "report", &[])])
                .await
                .map_err(|e| e.message)
                .and_then(|r| read(&r[0]).map_err(|e| e.message));
            break report.map(Some);
        }
        // The next slice as long as SLICE_MS, judged by this one (at most 4× more at a time).
        let took = (js_sys::Date::now() - started).max(1.0);
        slice = ((f64::from(slice) * (SLICE_MS / took).min(4.0)) as u32).clamp(1, 1_000_000);
    };
    let _ = link.run(vec![Call::new(on, "free", &[])]).await;
    result
}

/// A field of the form: its label, the value as typed and its hint.
fn field(
    label: &'static str,
    value: &str,
    hint: &str,
    invalid: bool,
    testid: &'static str,
    oninput: Callback<String>,
) -> Html {
    let oninput =
        oninput.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    html! {
        <label title={hint.to_owned()}>
            { label }
            <input type="text" spellcheck="false" data-testid={testid} value={value.to_owned()}
                placeholder={hint.to_owned()} aria-invalid={invalid.to_string()} {oninput} />
        </label>
    }
}

/// The lab's simulation: its form, a run with its progress, and the chart of the last one.
#[component]
fn Lab() -> Html {
    let link = use_memo((), |_| Link::spawn().map_err(|e| e.message));
    // The parameters from the address; a fragment that cannot be read leaves the defaults and
    // says why.
    let opened = use_memo((), |_| Params::from_fragment(&browser::fragment()));
    let params = use_state(|| opened.as_ref().clone().unwrap_or_default());
    let problem = use_state(|| {
        opened.as_ref().clone().err().map(|why| {
            (
                None::<Field>,
                format!(
                    "This link's lab parameters could not be read ({why}); the defaults are shown."
                ),
            )
        })
    });
    let status = use_state(|| Status::Idle);
    let report = use_state(|| None::<Rc<SimulationReport>>);
    let stop = use_memo((), |_| Rc::new(Cell::new(false)));
    let svg = use_node_ref();

    let run = {
        let (link, params, problem, status, report, stop) = (
            link.clone(),
            params.clone(),
            problem.clone(),
            status.clone(),
            report.clone(),
            (*stop).clone(),
        );
        // `asked`: the user asked for this run, which replaces the last one's problem (the run on
        // opening keeps what the address's problem was).
        Callback::from(move |asked: bool| {
            if matches!(*status, Status::Running(..)) {
                return;
            }
            let options = match params.options() {
                Ok(options) => options,
                Err((field, why)) => return problem.set(Some((Some(field), why))),
            };
            let link = match &*link {
                Ok(link) => link.clone(),
                Err(why) => return problem.set(Some((None, why.clone()))),
            };
            let options = match serde_wasm_bindgen::to_value(&options) {
                Ok(options) => options,
                Err(e) => return problem.set(Some((None, e.to_string()))),
            };
            browser::set_fragment(&params.fragment());
            if asked {
                problem.set(None);
            }
            status.set(Status::Running(0, 0, 0.0));
            stop.set(false);
            let (problem, status, report, stop) = (
                problem.clone(),
                status.clone(),
                report.clone(),
                stop.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let last = Rc::new(Cell::new((0, 0)));
                let progress = {
                    let (status, last) = (status.clone(), last.clone());
                    move |done, total, elapsed| {
                        last.set((done, total));
                        status.set(Status::Running(done, total, elapsed));
                    }
                };
                match simulate(&link, options, &stop, progress).await {
                    Ok(Some(done)) => {
                        report.set(Some(Rc::new(done)));
                        status.set(Status::Idle);
                    }
                    Ok(None) => status.set(Status::Stopped(last.get().0, last.get().1)),
                    Err(why) => {
                        problem.set(Some((None, why)));
                        status.set(Status::Idle);
                    }
                }
            });
        })
    };
    // The page's own parameters run once it opens.
    {
        let run = run.clone();
        use_effect_with((), move |_| run.emit(false));
    }
    let cancel = {
        let stop = (*stop).clone();
        Callback::from(move |()| stop.set(true))
    };
    let set = |f: fn(&mut Params, String)| {
        let params = params.clone();
        Callback::from(move |value: String| {
            let mut next = (*params).clone();
            f(&mut next, value);
            params.set(next);
        })
    };
    let onsubmit = run.reform(|e: SubmitEvent| {
        e.prevent_default();
        true
    });
    // Escape cancels a run, wherever the focus is on the page.
    {
        let cancel = cancel.clone();
        use_effect_with((), move |_| {
            let listener = gloo::events::EventListener::new(
                &gloo::utils::document(),
                "keydown",
                move |event| {
                    let key = event.dyn_ref::<KeyboardEvent>().map(KeyboardEvent::key);
                    if key.as_deref() == Some("Escape") {
                        cancel.emit(());
                    }
                },
            );
            move || drop(listener)
        });
    }
    let onorder = {
        let params = params.clone();
        Callback::from(move |e: Event| {
            let mut next = (*params).clone();
            next.random_order = e.target_unchecked_into::<HtmlSelectElement>().value() == "random";
            params.set(next);
        })
    };
    let invalid = |f: Field| problem.as_ref().is_some_and(|(field, _)| *field == Some(f));
    let running = matches!(*status, Status::Running(..));
    let progress = match *status {
        Status::Running(done, total, elapsed) => {
            let left = time_left(elapsed, done, total).map(|left| format!(" · {left}"));
            html! {
                <p class="lab-progress" data-testid="lab-progress" role="status">
                    <progress max={total.max(1).to_string()} value={done.to_string()} />
                    { format!(" {} of {} trials{}", thousands(done), thousands(total), left.unwrap_or_default()) }
                </p>
            }
        }
        Status::Stopped(done, total) => html! {
            <p class="lab-progress" data-testid="lab-progress" role="status">
                { format!("Cancelled after {} of {} trials; the chart shows the last finished run.", thousands(done), thousands(total)) }
            </p>
        },
        Status::Idle => Html::default(),
    };
    let export_csv = {
        let report = report.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(report) = &*report {
                // The CLI's rows and values; a fraction in Rust's shortest form (`0` where the
                // CLI's JSON printer writes `0.0`: ryu, which writes it so, costs this page 13 kB).
                let csv = report.csv(|v| v.to_string());
                browser::download("portband-lab.csv", &csv, "text/csv");
            }
        })
    };
    let export_svg = {
        let svg = svg.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(svg) = svg.cast::<Element>() {
                browser::download("portband-lab.svg", &svg.outer_html(), "image/svg+xml");
            }
        })
    };
    let p = &*params;
    html! {
        <>
            <form class="lab-form" {onsubmit}>
                { field("Range ", &p.range, "30000-32767", invalid(Field::Range), "lab-range", set(|p, v| p.range = v)) }
                { field("Dynamic Services ", &p.dynamic, "every K from 0 to the range's size; or K, or A..B:STEP", invalid(Field::Dynamic), "lab-dynamic", set(|p, v| p.dynamic = v)) }
                { field("Static port ", &p.port, "the range's first port", invalid(Field::Port), "lab-port", set(|p, v| p.port = v)) }
                { field("Second static port ", &p.second_port, "none", invalid(Field::SecondPort), "lab-second-port", set(|p, v| p.second_port = v)) }
                <label title="Every dynamic request first, or all requests in a uniformly random order (slower: each point on its own)">
                    { "Order " }
                    <select data-testid="lab-order" onchange={onorder}>
                        <option value="dynamic-first" selected={!p.random_order}>{ "dynamic first" }</option>
                        <option value="random" selected={p.random_order}>{ "random" }</option>
                    </select>
                </label>
                { field("Trials ", &p.trials, "10000", invalid(Field::Trials), "lab-trials", set(|p, v| p.trials = v)) }
                { field("Seed ", &p.seed, "0", invalid(Field::Seed), "lab-seed", set(|p, v| p.seed = v)) }
                <button type="submit" class="primary" data-testid="lab-run" disabled={running}>{ "Run" }</button>
                if running {
                    <button type="button" data-testid="lab-cancel" onclick={cancel.reform(|_| ())} title="Stop the trials (Escape)">{ "Cancel" }</button>
                }
            </form>
            if let Some((_, why)) = &*problem {
                <div class="problem" role="alert" data-testid="error">{ why }</div>
            }
            { progress }
            if let Some(report) = &*report {
                <section class="lab-result">
                    <p class="lab-reading" data-testid="lab-reading" aria-live="polite">{ reading(report) }</p>
                    <Chart report={report.clone()} svg={svg.clone()} />
                    <p class="lab-exports">
                        <button data-testid="lab-csv" onclick={export_csv}>{ "Export CSV" }</button>
                        <button data-testid="lab-svg" onclick={export_svg}>{ "Export SVG" }</button>
                        <span class="hint">{ format!("{} points, {} trials each, seed {}", thousands(report.points.len() as u32), thousands(report.trials), report.seed) }</span>
                    </p>
                </section>
            }
        </>
    }
}

/// Which of the lab's views an address opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Simulate,
    Compare,
    Addresses,
}

/// The page: its header, then the lab's simulation, or for `#compare…` Compare, or for
/// `#addresses…` the ClusterIPs view.
#[component]
fn Page() -> Html {
    let fragment = use_memo((), |_| browser::fragment());
    let chosen = if fragment.starts_with("compare") {
        View::Compare
    } else if fragment.starts_with("addresses") {
        View::Addresses
    } else {
        View::Simulate
    };
    let comparing = chosen != View::Simulate;
    let (view, tagline) = if chosen == View::Addresses {
        (
            html! { <addresses::Addresses /> },
            "ClusterIPs: one history's service CIDRs as the cluster IP allocator sees them, with the KEP-3070 band split",
        )
    } else if chosen == View::Compare {
        (
            html! { <compare::Compare /> },
            "Compare: one history with and without the KEP-3668 band split, and the outcomes that differ",
        )
    } else {
        (
            html! { <Lab /> },
            "How likely a Service that needs a fixed nodePort finds it taken by a dynamic allocation, with and without the KEP-3668 band split",
        )
    };
    html! {
        <div class="lab">
            <header class="bar">
                <h1><a href="./">{ "portband" }</a>{ " lab" }</h1>
                <p class="tagline">{ tagline }</p>
                if comparing {
                    <a href="lab.html" data-testid="to-simulate">{ "Simulate many clusters" }</a>
                }
            </header>
            { view }
        </div>
    }
}

fn main() {
    panic_banner::install(
        "Your parameters are in the address: reload the page to run them again. \
         Please report this with the address.",
    );
    yew::Renderer::<Page>::new().render();
}

#[cfg(test)]
mod tests {
    use super::time_left;

    #[test]
    fn the_time_left_follows_the_pace_so_far() {
        assert_eq!(
            time_left(1_000.0, 1_000, 11_000),
            Some("about 10 s left".into())
        );
        assert_eq!(
            time_left(60_000.0, 1_000, 4_000),
            Some("about 3 min left".into())
        );
        assert_eq!(
            time_left(2_000.0, 1_000, 1_500),
            None,
            "a second is not worth saying"
        );
        // Nothing to judge by yet, or nearly done.
        assert_eq!(time_left(200.0, 10, 4_000), None);
        assert_eq!(time_left(5_000.0, 0, 4_000), None);
        assert_eq!(time_left(5_000.0, 3_999, 4_000), None);
    }
}
