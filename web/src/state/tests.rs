//! Sequences of actions on the whole state, natively (no browser), with the engine in-process
//! answering each request as the worker would, and saved work read back.

use super::editor::WHOLE_BYTES;
use super::{execute, Action, AppState, Editor, Reply, Run};
use crate::engine::local::{now, LocalEngine};
use crate::link::Fragment;
use crate::saved::Saved;
use portband_contract::Mode;
use portband_kube::KubeVersion;
use std::rc::Rc;
use yew::Reducible;

/// A page: its state and the engine that answers it.
#[derive(Clone)]
struct Page {
    engine: LocalEngine,
    state: Rc<AppState>,
}

impl Page {
    /// A page opened with `fragment` and this saved work, once the engine has answered.
    fn opened(fragment: &Fragment, saved: Saved) -> Page {
        let state = AppState::opened(fragment, saved, Saved::default());
        Page {
            engine: LocalEngine::default(),
            state: Rc::new(state),
        }
        .settled(&mut |_| {})
    }

    /// A fresh page.
    fn fresh() -> Page {
        Page::opened(&Fragment::default(), Saved::default())
    }

    /// Runs every request the state has made, and those its answers make, telling `seen`
    /// each reply.
    fn settled(mut self, seen: &mut dyn FnMut(&Reply)) -> Page {
        loop {
            let requests = self.state.outbox.take();
            if requests.is_empty() {
                return self;
            }
            for request in requests {
                let mut replies = Vec::new();
                now(execute(&self.engine, request, |r| replies.push(r)));
                for reply in replies {
                    seen(&reply);
                    self.state = self.state.clone().reduce(Action::Replied(Box::new(reply)));
                }
            }
        }
    }

    /// Each action, the engine answering after each (as a user waits for the page).
    fn run(self, actions: impl IntoIterator<Item = Action>) -> Page {
        actions.into_iter().fold(self, |page, action| {
            Page {
                state: page.state.clone().reduce(action),
                ..page
            }
            .settled(&mut |_| {})
        })
    }

    fn timeline(&self) -> &Run {
        self.state
            .timeline
            .as_ref()
            .expect("the engine has opened a cluster")
    }

    /// Every step, in a log's words, as the engine has them.
    fn rows(&self) -> Vec<portband_contract::LogLine> {
        now(crate::engine::Engine::log(&self.engine, 0..usize::MAX)).unwrap()
    }

    /// The stored Services at the moment shown.
    fn services(&self) -> Vec<String> {
        let listed = &self.timeline().listed;
        listed.services.iter().map(|s| s.service.clone()).collect()
    }
}

fn service(name: &str, ports: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort, ports: {ports}}}\n")
}

/// The same state, as far as a user can tell: history, moment shown, settings, editor.
fn assert_same(a: &Page, b: &Page) {
    let (ta, tb) = (a.timeline(), b.timeline());
    let steps = |p: &Page| p.rows().into_iter().map(|r| r.step).collect::<Vec<_>>();
    assert!(steps(a) == steps(b), "the same steps");
    assert_eq!(*ta.scenario, *tb.scenario);
    assert_eq!(ta.cursor(), tb.cursor());
    assert_eq!(ta.settings, tb.settings);
    // Where a step was written differs (saved work holds the text inside a scenario file).
    let moment = |t: &Run| {
        t.moment.as_ref().map(|m| {
            let mut m = (**m).clone();
            if let Some(e) = &mut m.explanation {
                e.line = 0;
            }
            m
        })
    };
    assert!(moment(ta) == moment(tb), "the same moment shown");
    assert_eq!(a.state.settings, b.state.settings);
    assert_eq!(a.state.editor.text, b.state.editor.text);
}

#[test]
fn apply_delete_step_back_and_select() {
    let page = Page::fresh().run([
        Action::Edit(service("a", "[{port: 80}]") + "---\n" + &service("b", "[{port: 81}]")),
        Action::Apply,
        Action::Select(Some("default/b".into())),
        Action::Delete("default/a".parse().unwrap()),
        Action::StepBy(-1),
    ]);
    assert_eq!(page.timeline().len(), 3);
    assert_eq!(page.timeline().position(), 2);
    assert_eq!(
        page.services(),
        ["default/a", "default/b", "default/kubernetes"]
    );
    assert_eq!(page.state.selected.as_deref(), Some("default/b"));
    let moment = page.timeline().moment.clone().unwrap();
    assert_eq!(
        moment.selected,
        Some(1),
        "b's place in the list, for the grid's highlight"
    );
    // Deleting the highlighted Service ends the highlight.
    let page = page.run([Action::Seek(3), Action::Delete("b".parse().unwrap())]);
    assert_eq!(page.state.selected, None);
    assert_eq!(
        page.services(),
        ["default/kubernetes"],
        "only the Service every cluster has"
    );
}

#[test]
fn a_scenario_brings_its_settings_and_a_bad_seed_keeps_the_last_good_one() {
    let scenario = "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30127\nseed: 5\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80}]}}\n";
    let page = Page::fresh().run([Action::Edit(scenario.into()), Action::Apply]);
    assert_eq!(page.timeline().settings.range, "30000-30127");
    assert_eq!(page.state.settings.seed_text, "5");
    assert!(page
        .state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Using the scenario's settings"));
    let page = page.run([
        Action::SetSeed("x".into()),
        Action::SetRange("30000-30199".into()),
    ]);
    assert_eq!(page.timeline().settings.seed, 5, "the last good seed stays");
    assert_eq!(
        page.state.problems().len(),
        1,
        "the valid range leaves the seed's error"
    );
    assert_eq!(page.timeline().settings.range, "30000-30199");
    assert_ne!(page.rows()[0].step.ports[0].node_port, 0);
    let page = page.run([Action::SetSeed("5".into())]);
    assert!(page.state.problems().is_empty());
}

#[test]
fn a_preset_starts_from_its_own_settings() {
    // "A range filling up" sets its own range; "DNS on TCP and UDP" sets none, so it runs on the
    // default range instead of keeping the previous preset's.
    let position = |name| {
        crate::presets::PRESETS
            .iter()
            .position(|p| p.name == name)
            .unwrap()
    };
    let (filling, dns) = (position("range-filling-up"), position("dns-tcp-and-udp"));
    let page = Page::fresh().run([Action::LoadPreset(filling), Action::LoadPreset(dns)]);
    assert_eq!(page.timeline().settings.range, "30000-32767");
    assert_eq!(page.state.settings.range_text, "30000-32767");
    assert!(page.rows().iter().all(|r| !r
        .step
        .error
        .as_ref()
        .is_some_and(|e| e.contains("valid range"))));
    // The text the last preset replaced comes back.
    let page = page.run([Action::RestoreEditor]);
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/range-filling-up.yaml"
    );
    assert_eq!(
        *page.state.editor.text,
        std::fs::read_to_string(file).unwrap()
    );
}

#[test]
fn broken_yaml_marks_its_line_and_changes_nothing() {
    let page = Page::fresh().run([
        Action::Edit("apiVersion: v1\nkind: Service\nspec: a: b\n".into()),
        Action::Apply,
    ]);
    assert_eq!(page.state.editor.problem.as_ref().unwrap().line, 3);
    assert!(page
        .state
        .editor
        .problem
        .as_ref()
        .unwrap()
        .message
        .starts_with("Line 3, column"));
    assert_eq!(page.timeline().len(), 0);
    assert!(page.state.applying.is_none());
    let page = page.run([Action::Edit("# fixed\n".into())]);
    assert!(
        page.state.problems().is_empty(),
        "editing clears the text's problem"
    );
}

#[test]
fn playing_steps_to_the_end() {
    let mut page = Page::fresh().run([Action::AddServices(3), Action::TogglePlay]);
    assert_eq!(page.timeline().position(), 0);
    while page.timeline().playing {
        page = page.run([Action::Tick]);
    }
    assert_eq!(page.timeline().position(), 3);
    assert_eq!(page.timeline().moment.as_ref().unwrap().step, 3);
}

#[test]
fn saved_work_reads_back_to_the_same_state() {
    let page = Page::fresh().run([
        Action::SetRange("30000-30099".into()),
        Action::SetSeed("42".into()),
        Action::SetStaticSubrange(false),
        Action::Edit(service(
            "web",
            "[{name: http, port: 80}, {name: admin, port: 81, nodePort: 30001}]",
        )),
        Action::Apply,
        Action::AddServices(5),
        Action::Delete("filler-2".parse().unwrap()),
        Action::Edit("# typed after\n".into()),
        Action::Seek(3),
    ]);
    let saved = page.state.saved();
    let again = Page::opened(&Fragment::default(), saved.clone());
    assert_same(&page, &again);
    assert_eq!(again.state.saved(), saved);
}

#[test]
fn a_link_keeps_the_work_it_replaced_and_switching_back_restores_it() {
    let mine = Page::fresh().run([Action::Edit(service("mine", "[{port: 80}]")), Action::Apply]);
    let shared = Page::fresh()
        .run([
            Action::Edit(service("theirs", "[{port: 80}]")),
            Action::Apply,
        ])
        .state
        .saved();
    let link = || Action::OpenLink(shared.history.clone().unwrap(), None);
    let opened = mine.clone().run([link()]);
    assert_eq!(opened.services(), ["default/kubernetes", "default/theirs"]);
    assert!(opened.state.link.before_link.is_some());
    assert_eq!(
        *opened.state.editor.text,
        service("theirs", "[{port: 80}]"),
        "the link's last applied text is in the editor"
    );
    let back = opened.run([Action::SwitchBack]);
    assert_eq!(back.services(), ["default/kubernetes", "default/mine"]);
    assert_same(&back, &mine);
    // A link that does not read leaves the work alone.
    let broken = mine.clone().run([Action::OpenLink("kind: [".into(), None)]);
    assert_eq!(broken.services(), ["default/kubernetes", "default/mine"]);
    assert!(broken.state.problems()[0].starts_with("This link's history could not be read"));
    // Text typed but never applied is work too: a link keeps it.
    let typed = Page::fresh().run([Action::Edit("# my draft\n".into())]);
    let back = typed.run([link(), Action::SwitchBack]);
    assert_eq!(*back.state.editor.text, "# my draft\n");
}

#[test]
fn a_preset_link_opens_at_its_step() {
    let fragment = Fragment {
        preset: Some("dns-tcp-and-udp".into()),
        at: Some(1),
        ..Fragment::default()
    };
    let page = Page::opened(&fragment, Saved::default());
    assert_eq!(page.timeline().position(), 1);
    assert!(page.timeline().len() > 1);
    let unknown = Fragment {
        preset: Some("nope".into()),
        ..Fragment::default()
    };
    let page = Page::opened(&unknown, Saved::default());
    assert!(page.state.problems()[0]
        .starts_with("This link names a preset portband does not have: \"nope\""));
}

#[test]
fn an_apply_that_adds_nothing_says_why() {
    let page = Page::fresh().run([
        Action::Edit("# only a comment\n---\napiVersion: v1\nkind: List\nitems: []\n".into()),
        Action::Apply,
    ]);
    assert_eq!(page.timeline().len(), 0, "nothing is added");
    assert!(page
        .state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Nothing to apply"));
}

#[test]
fn adding_services_stops_when_the_range_is_full() {
    let page = Page::fresh().run([
        Action::SetRange("30000-30009".into()),
        Action::AddServices(25),
    ]);
    assert_eq!(page.timeline().len(), 10);
    assert!(page.rows().iter().all(|r| r.step.error.is_none()));
    assert_eq!(
        page.state.notice.as_deref(),
        Some("Added 10 Services: the range had 10 free ports.")
    );
    let page = page.run([Action::AddServices(5)]);
    assert_eq!(page.timeline().len(), 10);
    assert!(page
        .state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("The range is full"));
}

#[test]
fn a_deletion_while_an_earlier_step_is_shown_says_where_it_goes() {
    let page = Page::fresh().run([
        Action::AddServices(3),
        Action::Seek(1),
        Action::Delete("filler-1".parse().unwrap()),
    ]);
    assert_eq!(page.timeline().cursor(), None, "the view moves to the end");
    assert!(page
        .state
        .notice
        .as_deref()
        .unwrap()
        .contains("a deletion is always added at the end"));
}

#[test]
fn after_an_apply_the_view_lands_on_the_last_step_that_reached_a_service() {
    // As many real manifests do: the Service, then a webhook configuration.
    let text = service("controller", "[{port: 80}]")
        + "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: hook}\n";
    let page = Page::fresh().run([Action::Edit(text), Action::Apply]);
    assert_eq!(page.timeline().position(), 1);
    assert_eq!(page.timeline().len(), 2);
    assert_eq!(page.timeline().fresh, 0..2, "the whole Apply stays fresh");
}

#[test]
fn the_scenario_a_history_comes_from_is_known_until_something_else_changes_it() {
    let kep = crate::presets::PRESETS
        .iter()
        .position(|p| p.name == "kep-3668-story")
        .unwrap();
    let page = Page::fresh().run([Action::LoadPreset(kep)]);
    let (preset, description) = page.state.scenario.clone().unwrap();
    assert_eq!(preset, Some(kep));
    assert!(description.unwrap().starts_with("A fixed nodePort"));
    // New settings replay the same inputs: still the preset.
    let page = page.run([Action::SetSeed("9".into()), Action::StepBy(-1)]);
    assert_eq!(page.state.scenario.as_ref().unwrap().0, Some(kep));
    // Another input is not.
    let page = page.run([Action::AddServices(1)]);
    assert_eq!(page.state.scenario, None);
}

/// `count` Services, a few hundred kilobytes: an Apply of them takes several slices.
fn many_services(count: usize) -> String {
    (0..count)
        .map(|i| service(&format!("svc-{i}"), "[{name: http, port: 80}]"))
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn a_long_apply_runs_in_slices_and_shows_each_slices_progress() {
    let text = many_services(3000);
    let started = Page::fresh();
    let started = Page {
        state: started
            .state
            .clone()
            .reduce(Action::EditAll(text.clone()))
            .reduce(Action::Apply),
        ..started
    };
    let progress = started.state.applying.as_ref().unwrap().progress();
    assert_eq!(
        progress, None,
        "no progress before the engine reports a slice"
    );
    assert_eq!(started.timeline().len(), 0, "nothing shows before the end");
    let mut phases = Vec::new();
    let mut seen = |reply: &Reply| {
        if let Reply::Progress(p) = reply {
            if phases.last() != Some(&p.phase) {
                phases.push(p.phase.clone());
            }
        }
    };
    let done = started.settled(&mut seen);
    assert_eq!(phases, ["parsing", "decoding", "running"]);
    assert!(done.state.applying.is_none());
    assert_eq!(done.timeline().len(), 3000);
    assert_eq!(done.timeline().fresh, 0..3000, "the whole Apply is fresh");
    assert_eq!(
        done.timeline().moment.as_ref().unwrap().step,
        3000,
        "the grid shows the end"
    );
}

#[test]
fn stop_or_a_change_to_the_history_ends_an_apply_and_adds_nothing() {
    let start = || {
        let page = Page::fresh();
        Page {
            state: page
                .state
                .clone()
                .reduce(Action::EditAll(many_services(2000)))
                .reduce(Action::Apply),
            ..page
        }
    };
    let stopped = start().run([Action::CancelApply]);
    assert!(stopped.state.applying.is_none());
    assert_eq!(stopped.timeline().len(), 0);
    assert!(stopped
        .state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Stopped applying"));

    let reseeded = start().run([Action::SetSeed("5".into())]);
    assert!(reseeded.state.applying.is_none());
    assert_eq!(reseeded.timeline().settings.seed, 5);
    assert_eq!(reseeded.timeline().len(), 0);
    assert!(reseeded
        .state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Stopped applying"));

    // A second Apply while one runs is a key pressed twice; stepping and editing go on.
    let started = start();
    let again = started.state.clone().reduce(Action::Apply);
    assert!(Rc::ptr_eq(&started.state, &again));
    let edited = Page {
        state: started
            .state
            .clone()
            .reduce(Action::StepBy(-1))
            .reduce(Action::EditAll("# changed\n".into())),
        ..started
    }
    .settled(&mut |_| {});
    assert_eq!(edited.timeline().len(), 2000);
    assert!(
        *edited.state.editor.text == "# changed\n",
        "the text applied was the one at Apply"
    );
}

/// `lines` lines, `line 0` to `line N`, each ended by a line break.
fn numbered_lines(lines: usize) -> String {
    (0..lines).map(|i| format!("line {i}\n")).collect()
}

#[test]
fn a_long_text_is_held_a_window_at_a_time_and_edits_land_in_place() {
    let text = numbered_lines(30_000);
    let mut editor = Editor::new(text.clone());
    assert!(editor.windowed());
    let w = editor.window;
    assert_eq!((w.first, w.total), (0, 30_001));
    assert!(w.lines < 1000);
    assert!(text.starts_with(editor.shown()) && !editor.shown().ends_with('\n'));

    // Scrolled to the middle: the window holds the lines around, each where it belongs.
    editor.window = editor.scrolled(15_000, 20).unwrap();
    let w = editor.window;
    assert!(w.first < 15_000 && 15_020 < w.first + w.lines);
    let shown: Vec<&str> = editor.shown().split('\n').collect();
    assert_eq!(shown.len() as u32, w.lines);
    assert_eq!(shown[0], format!("line {}", w.first));
    assert_eq!(
        shown.last().unwrap(),
        &format!("line {}", w.first + w.lines - 1)
    );
    assert_eq!(
        editor.scrolled(15_010, 20),
        None,
        "a small scroll keeps the window"
    );

    // Typing on line 15,000 and joining two lines change those lines alone.
    let at = (15_000 - w.first) as usize;
    let mut lines = shown.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    lines[at].push_str(" edited");
    let joined = lines.remove(at + 2);
    lines[at + 1].push_str(&joined);
    assert!(editor.edit(lines.join("\n")));
    let mut expected: Vec<String> = text.split('\n').map(str::to_owned).collect();
    expected[15_000].push_str(" edited");
    let joined = expected.remove(15_002);
    expected[15_001].push_str(&joined);
    assert_eq!(*editor.text, expected.join("\n"));
    assert_eq!(editor.window.total, 30_000);

    // The end and the start are reached; the text ends with a line break, so with an empty line.
    editor.window = editor.scrolled(29_990, 20).unwrap();
    assert_eq!(editor.window.first + editor.window.lines, 30_000);
    assert!(editor.shown().ends_with("line 29999\n"));
    editor.window = editor.scrolled(0, 20).unwrap();
    assert!(editor.shown().starts_with("line 0\nline 1\n"));
}

#[test]
fn a_paste_that_makes_the_text_long_holds_a_window_and_a_cut_that_makes_it_short_all() {
    let mut editor = Editor::new("short\n".into());
    assert!(!editor.windowed());
    let long = numbered_lines(30_000);
    assert!(editor.edit(long.clone()));
    assert_eq!(*editor.text, long);
    assert!(
        editor.window.lines < 1000,
        "a window, from where the paste began"
    );
    // Cut all the window holds but a line: the text is short again, and whole in the text area.
    // Just over the size held whole: cutting a window's worth makes it short.
    let long = numbered_lines(13_000);
    assert!(long.len() > WHOLE_BYTES && long.len() < WHOLE_BYTES + 2000);
    let mut editor = Editor::new(long.clone());
    editor.window = editor.scrolled(12_000, 10).unwrap();
    let (start, end) = (editor.window.start, editor.window.end);
    assert!(editor.edit("cut".into()));
    assert!(!editor.windowed());
    let rest = format!("{}cut{}", &long[..start], &long[end..]);
    assert!(editor.shown() == rest, "the whole text, in the text area");
    assert!(editor.edit_all("all new\n".into()));
    assert!(editor.shown() == "all new\n");
}

#[test]
fn a_window_asked_for_past_the_end_holds_the_last_lines() {
    let mut editor = Editor::new(numbered_lines(30_000));
    let window = editor.scrolled(90_000, 20).unwrap();
    assert_eq!(window.first + window.lines, window.total);
    editor.window = window;
    assert!(editor.shown().ends_with("line 29999\n"));
}

#[test]
fn a_kubernetes_version_brings_its_band_split_and_travels_with_the_history() {
    let page = Page::fresh().run([Action::AddServices(3), Action::SetVersion("1.27".into())]);
    assert_eq!(
        page.state.releases.last().map(|r| r.version.as_str()),
        Some(KubeVersion::NEWEST.to_string().as_str()),
        "the picker's releases come from the engine, the newest last"
    );
    let settings = &page.timeline().settings;
    assert_eq!(
        (
            settings.kubernetes_version.as_str(),
            settings.static_subrange
        ),
        ("1.27", false)
    );
    assert_eq!(page.timeline().len(), 3, "the same steps, replayed");
    let saved = page.state.saved();
    assert!(saved
        .history
        .as_deref()
        .unwrap()
        .contains("\nkubernetesVersion: \"1.27\"\n"));
    let again = Page::opened(&Fragment::default(), saved);
    assert_same(&page, &again);
    // Back to the newest release: its split is on again.
    let newest = page.run([Action::SetVersion(KubeVersion::NEWEST.to_string())]);
    assert!(newest.timeline().settings.static_subrange);
}

#[test]
fn apply_sends_the_text_as_the_mode_picked_and_saved_work_keeps_it() {
    let text = service("web", "[{name: http, port: 80}]");
    let renamed = service("web", "[{name: web, port: 80}]");
    let page = Page::fresh().run([
        Action::SetMode(Mode::Replace),
        Action::Edit(text.clone()),
        Action::Apply,
    ]);
    let rows = page.rows();
    let row = &rows[0].step;
    assert_eq!(row.result, "rejected", "replace needs an existing Service");
    assert_eq!(row.action, "replace");
    // Created, then the renamed port replaced: a new nodePort (apply would have kept it).
    let page = page.run([
        Action::SetMode(Mode::Create),
        Action::Apply,
        Action::SetMode(Mode::Replace),
        Action::Edit(renamed),
        Action::Apply,
    ]);
    let ports: Vec<i32> = page.rows()[1..]
        .iter()
        .map(|r| r.step.ports[0].node_port)
        .collect();
    assert_ne!(ports[0], ports[1]);
    let again = Page::opened(&Fragment::default(), page.state.saved());
    assert_same(&page, &again);
    assert_eq!(
        again.state.editor.mode,
        Mode::Replace,
        "the last text's mode is Apply's"
    );
    assert!(page
        .state
        .saved()
        .history
        .unwrap()
        .contains("  mode: replace\n"));
}

#[test]
fn a_preset_asked_for_by_name_loads_or_says_why_not() {
    let page = Page::fresh().run([Action::LoadPresetNamed("dns-tcp-and-udp".into())]);
    assert!(!page.timeline().is_empty());
    assert_eq!(page.state.link.problem, None);
    let page = page.run([Action::LoadPresetNamed("no-such".into())]);
    assert!(page.state.problems()[0]
        .starts_with("The page asks for a preset portband does not have: \"no-such\". Presets: "));
    assert!(!page.timeline().is_empty(), "the history shown stays");
}

#[test]
fn an_embed_opens_only_what_its_address_names() {
    use super::requests::{Opening, Request};
    let opens = |fragment: &Fragment| -> Vec<Opening> {
        let state = AppState::opened(fragment, Saved::default(), Saved::default());
        state
            .outbox
            .take()
            .into_iter()
            .filter_map(|r| match r {
                Request::Open { why, .. } => Some(why),
                Request::Lesson { preset, .. } => Some(Opening::Preset(preset)),
                _ => None,
            })
            .collect()
    };
    let embed = |preset: Option<&str>, state: Option<&str>| Fragment {
        embed: true,
        preset: preset.map(str::to_owned),
        state: state.map(str::to_owned),
        ..Fragment::default()
    };
    // The page around an embed is told of every history it shows: no empty one first.
    let preset = crate::presets::PRESETS[0].name;
    assert_eq!(opens(&embed(Some(preset), None)), [Opening::Preset(0)]);
    assert_eq!(opens(&embed(None, Some("x"))), []);
    assert_eq!(opens(&embed(None, None)), [Opening::Start]);
    assert_eq!(opens(&embed(Some("no-such"), None)), [Opening::Start]);
    // The full app opens the saved work (or an empty history) at once, as before.
    let full = Fragment {
        preset: Some(preset.to_owned()),
        ..Fragment::default()
    };
    assert_eq!(opens(&full), [Opening::Start, Opening::Preset(0)]);

    // A link that cannot be unpacked leaves an embed with an empty history, and says why.
    let page = Page {
        engine: LocalEngine::default(),
        state: Rc::new(AppState::opened(
            &embed(None, Some("x")),
            Saved::default(),
            Saved::default(),
        )),
    }
    .settled(&mut |_| {})
    .run([Action::LinkFailed("bad data".into())]);
    assert_eq!(page.timeline().len(), 0);
    assert!(page
        .state
        .link
        .problem
        .as_deref()
        .unwrap()
        .contains("bad data"));
}

#[test]
fn a_preset_chosen_before_the_engine_has_answered_is_loaded_once_it_does() {
    let state = AppState::opened(&Fragment::default(), Saved::default(), Saved::default());
    // The engine has not answered the first opening yet.
    let state = Rc::new(state).reduce(Action::LoadPreset(0));
    let page = Page {
        engine: LocalEngine::default(),
        state,
    }
    .settled(&mut |_| {});
    assert_eq!(page.state.scenario.as_ref().and_then(|(p, _)| *p), Some(0));
    assert!(!page.timeline().is_empty(), "the preset's steps");
}

#[test]
fn a_port_chosen_on_the_grid_highlights_its_service_even_one_the_list_has_not_fetched() {
    let scenario = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 300\n";
    let page = Page::fresh().run([Action::Edit(scenario.into()), Action::Apply]);
    let all = now(crate::engine::Engine::services(&page.engine, 300, 0..300)).unwrap();
    assert!(
        page.timeline().listed.get(250).is_none(),
        "not among the first listed"
    );
    let page = page.run([Action::Inspect(250)]);
    assert_eq!(
        page.timeline().listed.get(250),
        Some(&all[250]),
        "asked for, for the grid's description"
    );
    let page = page.run([Action::SelectHolder(Some(260))]);
    assert_eq!(
        page.state.selected.as_deref(),
        Some(all[260].service.as_str())
    );
    assert_eq!(page.timeline().moment.as_ref().unwrap().selected, Some(260));
    let page = page.run([Action::SelectHolder(Some(3))]);
    assert_eq!(
        page.state.selected.as_deref(),
        Some(all[3].service.as_str()),
        "a listed one at once"
    );
    let page = page.run([Action::SelectHolder(None)]);
    assert_eq!(page.state.selected, None);
}

#[test]
fn the_previous_and_next_rejection_and_the_play_speed() {
    // Steps 2 and 4 (from 1) are refused: each asks for a nodePort another holds.
    let text = [
        service("a", "[{port: 80, nodePort: 30007}]"),
        service("b", "[{port: 80, nodePort: 30007}]"),
        service("c", "[{port: 80}]"),
        service("d", "[{port: 80, nodePort: 30007}]"),
        service("e", "[{port: 80}]"),
    ]
    .join("---\n");
    let page = Page::fresh().run([Action::Edit(text), Action::Apply, Action::Seek(0)]);
    let position = |page: &Page| page.timeline().position();
    let page = page.run([Action::SeekRefusal(true)]);
    assert_eq!(position(&page), 2, "after step 2, the first rejection");
    let page = page.run([Action::SeekRefusal(true)]);
    assert_eq!(position(&page), 4, "after step 4, the next");
    let page = page.run([Action::SeekRefusal(true)]);
    assert_eq!(position(&page), 4, "none after it: the view stays");
    assert_eq!(
        page.state.notice.as_deref(),
        Some("No rejection after this step.")
    );
    let page = page.run([Action::SeekRefusal(false)]);
    assert_eq!(position(&page), 2, "back to the one before");
    let page = page.run([Action::SeekRefusal(false)]);
    assert_eq!(position(&page), 2);
    assert_eq!(
        page.state.notice.as_deref(),
        Some("No rejection before this step.")
    );
    let page = page.run([Action::SpeedBy(1), Action::SpeedBy(5)]);
    assert_eq!(
        super::SPEEDS[page.state.speed].1,
        "4×",
        "the fastest, and no further"
    );
    let page = page.run([Action::SetSpeed(0), Action::SpeedBy(-1)]);
    assert_eq!(super::SPEEDS[page.state.speed].1, "0.25×");
}

#[test]
fn every_shipped_scenario_is_a_lesson_and_a_lesson_on_the_odds_shades_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|f| f.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut lessons: Vec<String> = crate::presets::PRESETS
        .iter()
        .map(|p| format!("{}.yaml", p.name))
        .collect();
    lessons.sort();
    assert_eq!(files, lessons);
    // Opening the lesson on the scan's bias switches the shading on; another lesson leaves it
    // as the user set it.
    let bias = crate::presets::PRESETS
        .iter()
        .position(|p| p.shades_odds)
        .unwrap();
    let page = Page::fresh().run([Action::LoadPreset(0)]);
    assert!(!page.state.shade_odds);
    let page = page.run([Action::LoadPreset(bias)]);
    assert!(page.state.shade_odds);
    assert_eq!(page.state.scenario.as_ref().unwrap().0, Some(bias));
    let page = page.run([Action::ShadeOdds(false), Action::LoadPreset(0)]);
    assert!(!page.state.shade_odds);
}
