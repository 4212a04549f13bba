//! Sequences of actions on the whole state, natively (no browser), and saved work read back.

use super::{Action, AppState};
use crate::link::Fragment;
use crate::saved::Saved;
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
        opened.editor.text,
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
