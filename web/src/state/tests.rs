//! Sequences of actions on the whole state, natively (no browser), and saved work read back.

use super::editor::WHOLE_BYTES;
use super::{Action, AppState, Editor, Phase};
use crate::link::Fragment;
use crate::saved::Saved;
use portband_kube::{KubeVersion, Mode, Verdict};
use std::rc::Rc;
use yew::Reducible;

fn run(state: AppState, actions: impl IntoIterator<Item = Action>) -> Rc<AppState> {
    actions
        .into_iter()
        .fold(Rc::new(state), |state, action| state.reduce(action))
}

fn service(name: &str, ports: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{type: NodePort, ports: {ports}}}\n")
}

fn services(state: &AppState) -> Vec<String> {
    state
        .timeline
        .shown()
        .services()
        .iter()
        .map(|s| s.service.key())
        .collect()
}

/// The same state, as far as a user can tell: history, moment shown, settings, editor. (Where
/// each step was written differs: saved work holds the text inside a scenario file.)
fn assert_same(a: &AppState, b: &AppState) {
    let outcomes = |s: &AppState| {
        let mut outcomes = s.timeline.history.outcomes().to_vec();
        for outcome in &mut outcomes {
            outcome.source = Default::default();
        }
        outcomes
    };
    assert_eq!(outcomes(a), outcomes(b));
    assert_eq!(a.timeline.entries.0, b.timeline.entries.0);
    assert_eq!(a.timeline.cursor(), b.timeline.cursor());
    assert_eq!(a.timeline.config(), b.timeline.config());
    assert_eq!(a.timeline.cells.0, b.timeline.cells.0);
    assert_eq!(a.settings, b.settings);
    assert_eq!(a.editor.text, b.editor.text);
}

#[test]
fn apply_delete_step_back_and_select() {
    let state = run(
        AppState::default(),
        [
            Action::Edit(service("a", "[{port: 80}]") + "---\n" + &service("b", "[{port: 81}]")),
            Action::Apply,
            Action::Select(Some("default/b".into())),
            Action::Delete("default/a".parse().unwrap()),
            Action::StepBy(-1),
        ],
    );
    assert_eq!(state.timeline.history.outcomes().len(), 3);
    assert_eq!(state.timeline.position(), 2);
    assert_eq!(services(&state), ["default/a", "default/b"]);
    assert_eq!(state.selected.as_deref(), Some("default/b"));
    // Deleting the highlighted Service ends the highlight.
    let state = run(
        (*state).clone(),
        [Action::Seek(3), Action::Delete("b".parse().unwrap())],
    );
    assert_eq!(state.selected, None);
    assert!(services(&state).is_empty());
}

#[test]
fn a_scenario_brings_its_settings_and_a_bad_seed_keeps_the_last_good_one() {
    let scenario = "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30127\nseed: 5\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80}]}}\n";
    let state = run(
        AppState::default(),
        [Action::Edit(scenario.into()), Action::Apply],
    );
    assert_eq!(state.timeline.config().range.to_string(), "30000-30127");
    assert_eq!(state.settings.seed_text, "5");
    assert!(state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Using the scenario's settings"));
    let state = run(
        (*state).clone(),
        [
            Action::SetSeed("x".into()),
            Action::SetRange("30000-30199".into()),
        ],
    );
    assert_eq!(state.timeline.config().seed, 5, "the last good seed stays");
    assert_eq!(
        state.problems().len(),
        1,
        "the valid range leaves the seed's error"
    );
    assert_eq!(state.timeline.config().range.to_string(), "30000-30199");
    assert_ne!(state.timeline.history.outcomes()[0].ports[0].node_port, 0);
    let state = run((*state).clone(), [Action::SetSeed("5".into())]);
    assert!(state.problems().is_empty());
}

#[test]
fn a_preset_starts_from_its_own_settings() {
    // "A range filling up" sets its own range; "DNS on TCP and UDP" sets none, so it runs on the
    // default range instead of keeping the previous preset's.
    let filling = crate::presets::PRESETS
        .iter()
        .position(|p| p.name == "range-filling-up")
        .unwrap();
    let dns = crate::presets::PRESETS
        .iter()
        .position(|p| p.name == "dns-tcp-and-udp")
        .unwrap();
    let state = run(
        AppState::default(),
        [Action::LoadPreset(filling), Action::LoadPreset(dns)],
    );
    assert_eq!(state.timeline.config().range.to_string(), "30000-32767");
    assert_eq!(state.settings.range_text, "30000-32767");
    assert!(state.timeline.history.outcomes().iter().all(|o| !o
        .error
        .as_ref()
        .is_some_and(|e| e.to_string().contains("valid range"))));
    // The text the last preset replaced comes back.
    let state = run((*state).clone(), [Action::RestoreEditor]);
    assert_eq!(*state.editor.text, crate::presets::PRESETS[filling].text);
}

#[test]
fn broken_yaml_marks_its_line_and_changes_nothing() {
    let state = run(
        AppState::default(),
        [
            Action::Edit("apiVersion: v1\nkind: Service\nspec: a: b\n".into()),
            Action::Apply,
        ],
    );
    assert_eq!(state.editor.problem.as_ref().unwrap().line, 3);
    assert!(state.timeline.history.outcomes().is_empty());
    let state = run((*state).clone(), [Action::Edit("# fixed\n".into())]);
    assert!(
        state.problems().is_empty(),
        "editing clears the text's problem"
    );
}

#[test]
fn playing_steps_to_the_end() {
    let mut state = run(
        AppState::default(),
        [Action::AddServices(3), Action::TogglePlay],
    );
    assert_eq!(state.timeline.position(), 0);
    while state.timeline.playing {
        state = state.reduce(Action::Tick);
    }
    assert_eq!(state.timeline.position(), 3);
}

#[test]
fn saved_work_reads_back_to_the_same_state() {
    let state = run(
        AppState::default(),
        [
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
        ],
    );
    let saved = state.saved();
    let fragment = Fragment::default();
    let again = AppState::opened(&fragment, saved.clone(), Saved::default());
    assert_same(&state, &again);
    assert_eq!(again.saved(), saved);
}

#[test]
fn a_link_keeps_the_work_it_replaced_and_switching_back_restores_it() {
    let mine = run(
        AppState::default(),
        [Action::Edit(service("mine", "[{port: 80}]")), Action::Apply],
    );
    let shared = run(
        AppState::default(),
        [
            Action::Edit(service("theirs", "[{port: 80}]")),
            Action::Apply,
        ],
    )
    .saved();
    let opened = run(
        (*mine).clone(),
        [Action::OpenLink(shared.history.clone().unwrap(), None)],
    );
    assert_eq!(services(&opened), ["default/theirs"]);
    assert!(opened.link.before_link.is_some());
    assert_eq!(
        *opened.editor.text,
        service("theirs", "[{port: 80}]"),
        "the link's last applied text is in the editor"
    );
    let back = run((*opened).clone(), [Action::SwitchBack]);
    assert_eq!(services(&back), ["default/mine"]);
    assert_same(&back, &mine);
    // A link that does not read leaves the work alone.
    let broken = run((*mine).clone(), [Action::OpenLink("kind: [".into(), None)]);
    assert_eq!(services(&broken), ["default/mine"]);
    assert!(broken.problems()[0].starts_with("This link's history could not be read"));
    // Text typed but never applied is work too: a link keeps it.
    let typed = run(AppState::default(), [Action::Edit("# my draft\n".into())]);
    let opened = run(
        (*typed).clone(),
        [Action::OpenLink(shared.history.clone().unwrap(), None)],
    );
    let back = run((*opened).clone(), [Action::SwitchBack]);
    assert_eq!(*back.editor.text, "# my draft\n");
}

#[test]
fn a_preset_link_opens_at_its_step() {
    let fragment = Fragment {
        preset: Some("dns-tcp-and-udp".into()),
        at: Some(1),
        ..Fragment::default()
    };
    let state = AppState::opened(&fragment, Saved::default(), Saved::default());
    assert_eq!(state.timeline.position(), 1);
    assert!(state.timeline.history.outcomes().len() > 1);
    let unknown = Fragment {
        preset: Some("nope".into()),
        ..Fragment::default()
    };
    let state = AppState::opened(&unknown, Saved::default(), Saved::default());
    assert!(state.problems()[0]
        .starts_with("This link names a preset portband does not have: \"nope\""));
}

#[test]
fn an_apply_that_adds_nothing_says_why() {
    let state = run(
        AppState::default(),
        [
            Action::Edit("# only a comment\n---\napiVersion: v1\nkind: List\nitems: []\n".into()),
            Action::Apply,
        ],
    );
    assert!(state.timeline.entries.is_empty(), "nothing is recorded");
    assert!(state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Nothing to apply"));
}

#[test]
fn adding_services_stops_when_the_range_is_full() {
    let state = run(
        AppState::default(),
        [
            Action::SetRange("30000-30009".into()),
            Action::AddServices(25),
        ],
    );
    assert_eq!(state.timeline.history.outcomes().len(), 10);
    assert!(state
        .timeline
        .history
        .outcomes()
        .iter()
        .all(|o| o.error.is_none()));
    assert_eq!(
        state.notice.as_deref(),
        Some("Added 10 Services: the range had 10 free ports.")
    );
    let state = run((*state).clone(), [Action::AddServices(5)]);
    assert_eq!(state.timeline.history.outcomes().len(), 10);
    assert!(state
        .notice
        .as_deref()
        .unwrap()
        .starts_with("The range is full"));
}

#[test]
fn a_deletion_while_an_earlier_step_is_shown_says_where_it_goes() {
    let state = run(
        AppState::default(),
        [
            Action::AddServices(3),
            Action::Seek(1),
            Action::Delete("filler-1".parse().unwrap()),
        ],
    );
    assert_eq!(state.timeline.cursor(), None, "the view moves to the end");
    assert!(state
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
    let state = run(AppState::default(), [Action::Edit(text), Action::Apply]);
    assert_eq!(state.timeline.position(), 1);
    assert_eq!(state.timeline.history.outcomes().len(), 2);
    assert_eq!(state.timeline.fresh, 0..2, "the whole Apply stays fresh");
}

#[test]
fn the_scenario_a_history_comes_from_is_known_until_something_else_changes_it() {
    let kep = crate::presets::PRESETS
        .iter()
        .position(|p| p.name == "kep-3668-story")
        .unwrap();
    let state = run(AppState::default(), [Action::LoadPreset(kep)]);
    let (preset, description) = state.scenario.clone().unwrap();
    assert_eq!(preset, Some(kep));
    assert!(description.unwrap().starts_with("A fixed nodePort"));
    // New settings replay the same inputs: still the preset.
    let state = run(
        (*state).clone(),
        [Action::SetSeed("9".into()), Action::StepBy(-1)],
    );
    assert_eq!(state.scenario.as_ref().unwrap().0, Some(kep));
    // Another input is not.
    let state = run((*state).clone(), [Action::AddServices(1)]);
    assert_eq!(state.scenario, None);
}

/// `count` Services, a few hundred kilobytes: an Apply of them takes several slices.
fn many_services(count: usize) -> String {
    (0..count)
        .map(|i| service(&format!("svc-{i}"), "[{name: http, port: 80}]"))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Runs the Apply in progress slice by slice, noting what each slice was doing.
fn finish_applying(mut state: Rc<AppState>) -> (Rc<AppState>, Vec<Phase>) {
    let mut phases = Vec::new();
    while let Some(job) = &state.applying {
        let phase = job.borrow().progress().phase;
        if phases.last() != Some(&phase) {
            phases.push(phase);
        }
        state = state.reduce(Action::ContinueApply);
    }
    (state, phases)
}

#[test]
fn a_long_apply_runs_in_slices_and_ends_as_one_run_at_once() {
    let text = many_services(3000);
    let started = run(
        AppState::default(),
        [Action::EditAll(text.clone()), Action::Apply],
    );
    let progress = started.applying.as_ref().unwrap().borrow().progress();
    assert_eq!(progress.phase, Phase::Parsing);
    assert!(
        0 < progress.done && progress.done < text.len(),
        "{progress:?}"
    );
    assert!(
        started.timeline.entries.is_empty(),
        "nothing shows before the end"
    );
    let (sliced, phases) = finish_applying(started);
    assert_eq!(phases, [Phase::Parsing, Phase::Decoding, Phase::Running]);

    let mut at_once = AppState::default();
    at_once.editor.edit_all(text);
    at_once.apply_editor(usize::MAX);
    assert!(at_once.applying.is_none());
    assert_same(&sliced, &at_once);
    assert_eq!(
        *sliced.timeline.cells,
        crate::cells::Cells::of(sliced.timeline.history.cluster()),
        "the grid shows the cluster after the last slice"
    );
    assert_eq!(sliced.timeline.history.outcomes().len(), 3000);
    assert_eq!(sliced.timeline.fresh, 0..3000, "the whole Apply is fresh");
}

#[test]
fn stop_or_a_change_to_the_history_ends_an_apply_and_adds_nothing() {
    let start = || {
        run(
            AppState::default(),
            [Action::EditAll(many_services(2000)), Action::Apply],
        )
    };
    let stopped = run(
        (*start()).clone(),
        [Action::ContinueApply, Action::CancelApply],
    );
    assert!(stopped.applying.is_none());
    assert!(stopped.timeline.entries.is_empty());
    assert!(stopped
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Stopped applying"));

    let reseeded = run((*start()).clone(), [Action::SetSeed("5".into())]);
    assert!(reseeded.applying.is_none());
    assert_eq!(reseeded.timeline.config().seed, 5);
    assert!(reseeded
        .notice
        .as_deref()
        .unwrap()
        .starts_with("Stopped applying"));

    // A second Apply while one runs is a key pressed twice; stepping and editing go on.
    let started = start();
    let again = started.clone().reduce(Action::Apply);
    assert!(Rc::ptr_eq(&started, &again));
    let edited = run(
        (*started).clone(),
        [Action::StepBy(-1), Action::EditAll("# changed\n".into())],
    );
    let (done, _) = finish_applying(edited);
    assert_eq!(done.timeline.history.outcomes().len(), 2000);
    assert!(
        *done.editor.text == "# changed\n",
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
fn a_kubernetes_version_brings_its_band_split_and_travels_with_the_history() {
    let alpha = KubeVersion::parse("1.27").unwrap();
    let state = run(
        AppState::default(),
        [Action::AddServices(3), Action::SetVersion(alpha)],
    );
    let config = state.timeline.config();
    assert_eq!((config.version, config.static_subrange), (alpha, false));
    assert_eq!(
        state.timeline.history.outcomes().len(),
        3,
        "the same steps, replayed"
    );
    let saved = state.saved();
    assert!(saved
        .history
        .as_deref()
        .unwrap()
        .contains("\nkubernetesVersion: \"1.27\"\n"));
    let again = AppState::opened(&Fragment::default(), saved, Saved::default());
    assert_same(&state, &again);
    // Back to the newest release: its split is on again.
    let newest = run((*state).clone(), [Action::SetVersion(KubeVersion::NEWEST)]);
    assert!(newest.timeline.config().static_subrange);
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
fn apply_sends_the_text_as_the_mode_picked_and_saved_work_keeps_it() {
    let text = service("web", "[{name: http, port: 80}]");
    let renamed = service("web", "[{name: web, port: 80}]");
    let state = run(
        AppState::default(),
        [
            Action::SetMode(Mode::Replace),
            Action::Edit(text.clone()),
            Action::Apply,
        ],
    );
    let outcome = &state.timeline.history.outcomes()[0];
    assert_eq!(
        outcome.verdict,
        Verdict::Rejected,
        "replace needs an existing Service"
    );
    assert_eq!(outcome.action, portband_kube::Action::Replace);
    // Created, then the renamed port replaced: a new nodePort (apply would have kept it).
    let state = run(
        (*state).clone(),
        [
            Action::SetMode(Mode::Create),
            Action::Apply,
            Action::SetMode(Mode::Replace),
            Action::Edit(renamed),
            Action::Apply,
        ],
    );
    let ports: Vec<i32> = state.timeline.history.outcomes()[1..]
        .iter()
        .map(|o| o.ports[0].node_port)
        .collect();
    assert_ne!(ports[0], ports[1]);
    let again = AppState::opened(&Fragment::default(), state.saved(), Saved::default());
    assert_same(&state, &again);
    assert_eq!(
        again.editor.mode,
        Mode::Replace,
        "the last text's mode is Apply's"
    );
    assert!(state.saved().history.unwrap().contains("  mode: replace\n"));
}

#[test]
fn a_preset_asked_for_by_name_loads_or_says_why_not() {
    let state = run(
        AppState::default(),
        [Action::LoadPresetNamed("dns-tcp-and-udp".into())],
    );
    assert!(!state.timeline.history.outcomes().is_empty());
    assert_eq!(state.link.problem, None);
    let state = run(
        (*state).clone(),
        [Action::LoadPresetNamed("no-such".into())],
    );
    assert!(state.problems()[0]
        .starts_with("The page asks for a preset portband does not have: \"no-such\". Presets: "));
    assert!(
        !state.timeline.history.outcomes().is_empty(),
        "the history shown stays"
    );
}
