//! The engine in-process, for the state's native tests: `portband-kube`'s `Session`, the same
//! logic the JS module runs in the worker, answering at once.

use super::{Added, Engine, EngineError, MomentView, NextPick, Opened, SettingsChange, TAIL};
use crate::presets::Preset;
use portband_allocator::PortRange;
use portband_contract::{ApplyProgress, LogLine, Release, StoredService};
use portband_kube::{Applying, ClusterConfig, InputError, KubeVersion, Mode, Session};
use std::cell::RefCell;
use std::ops::Range;

/// A session, and the apply under way.
pub struct LocalEngine {
    session: RefCell<Session>,
    applying: RefCell<Option<Applying>>,
}

impl Clone for LocalEngine {
    /// The same session, without an apply under way (a page's engine, copied between two
    /// actions, for a test that goes two ways from one state).
    fn clone(&self) -> Self {
        LocalEngine {
            session: RefCell::new(self.session.borrow().clone()),
            applying: RefCell::default(),
        }
    }
}

impl Default for LocalEngine {
    fn default() -> Self {
        LocalEngine {
            session: RefCell::new(Session::new(ClusterConfig::default())),
            applying: RefCell::default(),
        }
    }
}

fn input_error(e: &InputError) -> EngineError {
    EngineError {
        message: format!(
            "-:{}:{}: error: {} (document {})",
            e.pos.line, e.pos.column, e.message, e.document
        ),
        line: Some(e.pos.line),
        column: Some(e.pos.column),
        detail: Some(e.message.clone()),
    }
}

impl LocalEngine {
    fn opened(&self) -> Opened {
        let session = self.session.borrow();
        Opened {
            settings: session.settings(),
            length: session.len(),
            last_input: session.last_input(),
            scenario: session.scenario(),
            description: session.description().map(str::to_owned),
            summary: session.summary(),
        }
    }
}

impl Engine for LocalEngine {
    async fn releases(&self) -> Result<Vec<Release>, EngineError> {
        Ok(portband_kube::releases())
    }

    async fn lesson(&self, preset: &Preset) -> Result<String, EngineError> {
        let path = format!("{}/../{}", env!("CARGO_MANIFEST_DIR"), preset.path());
        std::fs::read_to_string(&path).map_err(|e| EngineError::plain(format!("{path}: {e}")))
    }

    async fn open(&self, scenario: &str) -> Result<Opened, EngineError> {
        let session = Session::from_scenario(scenario).map_err(|e| input_error(&e))?;
        *self.session.borrow_mut() = session;
        Ok(self.opened())
    }

    async fn reset(&self) -> Result<Opened, EngineError> {
        let config = self.session.borrow().now().config();
        *self.session.borrow_mut() = Session::new(config);
        Ok(self.opened())
    }

    async fn reconfigure(&self, change: &SettingsChange) -> Result<Opened, EngineError> {
        let base = self.session.borrow().now().config();
        let version = change
            .kubernetes_version
            .as_deref()
            .map(KubeVersion::parse)
            .transpose()
            .map_err(EngineError::plain)?;
        let config = ClusterConfig {
            range: match &change.range {
                Some(text) => {
                    PortRange::parse_flag(text).map_err(|e| EngineError::plain(e.to_string()))?
                }
                None => base.range,
            },
            seed: change.seed.unwrap_or(base.seed),
            static_subrange: change
                .static_subrange
                .or(version.map(|v| v.static_subrange_gate().default_on()))
                .unwrap_or(base.static_subrange),
            version: version.unwrap_or(base.version),
            service_cidrs: base.service_cidrs,
        };
        let session = self.session.borrow().with_settings(config);
        *self.session.borrow_mut() = session;
        Ok(self.opened())
    }

    async fn start(
        &self,
        text: &str,
        mode: &str,
        budget: u32,
    ) -> Result<Option<ApplyProgress>, EngineError> {
        let mode: Mode = mode.parse().map_err(EngineError::plain)?;
        *self.applying.borrow_mut() = Some(self.session.borrow().start(text, mode, true));
        self.run(budget).await
    }

    async fn run(&self, budget: u32) -> Result<Option<ApplyProgress>, EngineError> {
        let mut applying = self.applying.borrow_mut();
        let job = applying
            .as_mut()
            .ok_or_else(|| EngineError::plain("no apply under way"))?;
        let done = job.run(budget).map_err(|e| input_error(&e))?;
        Ok((!done).then(|| job.progress()))
    }

    async fn finish(&self) -> Result<Added, EngineError> {
        let job = self
            .applying
            .borrow_mut()
            .take()
            .ok_or_else(|| EngineError::plain("no apply under way"))?;
        let (settings_taken, description) =
            (job.settings_taken(), job.description().map(str::to_owned));
        let before = if settings_taken {
            0
        } else {
            self.session.borrow().len()
        };
        let mut session = self.session.borrow_mut();
        session
            .finish(job)
            .map_err(|e| EngineError::plain(e.to_string()))?;
        Ok(added(&session, before, settings_taken, description))
    }

    async fn cancel(&self) {
        self.applying.borrow_mut().take();
    }

    async fn delete(&self, key: &str) -> Result<Added, EngineError> {
        let key: portband_kube::ServiceKey = key
            .parse()
            .map_err(|e: portband_kube::KeyError| EngineError::plain(e.to_string()))?;
        let mut session = self.session.borrow_mut();
        let before = session.len();
        session.delete(key);
        Ok(added(&session, before, false, None))
    }

    async fn moment(
        &self,
        step: usize,
        services: Range<usize>,
        has: Option<&str>,
    ) -> Result<MomentView, EngineError> {
        let session = self.session.borrow();
        let moment = session.at(step);
        let holders = moment.holders();
        let last = moment.step().checked_sub(1);
        let selected = has.and_then(|key| moment.index_of(&key.parse().ok()?));
        Ok(MomentView {
            step: moment.step(),
            summary: moment.summary(),
            metrics: moment.metrics(),
            holders: holders.services,
            explicit: holders.explicit,
            service_count: moment.service_count(),
            services: moment.services(services.start, services.end),
            services_from: services.start.min(moment.service_count()),
            row: last.and_then(|i| session.log(i, i + 1).pop()),
            explanation: last.and_then(|i| session.explain(i)),
            taken: last
                .map(|i| session.taken(i, i + 1).concat())
                .unwrap_or_default(),
            has: has.map(|_| selected.is_some()),
            selected,
            next_pick: moment.next_pick().map(|next| NextPick {
                ports: next.starts.iter().map(|&(p, _)| i32::from(p)).collect(),
                starts: next.starts.iter().map(|&(_, s)| s).collect(),
                of: next.span.size(),
            }),
            chances: moment.chances(),
        })
    }

    async fn refusal(&self, from: usize, forward: bool) -> Result<Option<usize>, EngineError> {
        Ok(self.session.borrow().next_refusal(from, forward))
    }

    async fn log(&self, rows: Range<usize>) -> Result<Vec<LogLine>, EngineError> {
        Ok(self.session.borrow().log(rows.start, rows.end))
    }

    async fn services(
        &self,
        step: usize,
        services: Range<usize>,
    ) -> Result<Vec<StoredService>, EngineError> {
        Ok(self
            .session
            .borrow()
            .at(step)
            .services(services.start, services.end))
    }
}

/// The steps from `before` on, as added.
fn added(
    session: &Session,
    before: usize,
    settings_taken: bool,
    description: Option<String>,
) -> Added {
    let len = session.len();
    let refusals = session.refusals(before, len);
    let row = |i: usize| session.log(i, i + 1).pop();
    Added {
        length: len,
        first_refused: refusals.first().and_then(|r| row(r.step)),
        tail: session.log(len.saturating_sub(TAIL), len),
        last_service: session.last_service_step(before),
        refusals,
        taken: session.taken(before, len),
        scenario: session.scenario(),
        settings: session.settings(),
        summary: session.summary(),
        settings_taken,
        description,
    }
}

/// The answer of a [`LocalEngine`] call, which is ready at once.
pub fn now<T>(future: impl std::future::Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut context) {
        std::task::Poll::Ready(value) => value,
        std::task::Poll::Pending => unreachable!("a local engine answers at once"),
    }
}

#[cfg(test)]
mod tests {
    use super::{now, LocalEngine};
    use crate::engine::{Engine, SettingsChange};

    const WEB: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30007}]}\n";

    #[test]
    fn opens_applies_in_slices_deletes_and_shows_a_moment() {
        let engine = LocalEngine::default();
        let opened =
            now(engine
                .open("apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nsteps: []\n"))
            .unwrap();
        assert_eq!(opened.settings.range, "30000-30099");
        let mut progress = now(engine.start(WEB, "create", 1)).unwrap();
        while progress.is_some() {
            progress = now(engine.run(1)).unwrap();
        }
        let added = now(engine.finish()).unwrap();
        assert_eq!(added.length, 1);
        assert_eq!(added.tail[0].step.ports[0].node_port, 30007);
        assert_eq!(added.last_service, Some(0));
        assert_eq!(added.first_refused, None);
        assert_eq!(added.taken, [[30007]]);
        assert!(
            added.scenario.contains("  mode: create"),
            "{}",
            added.scenario
        );
        let moment = now(engine.moment(1, 0..10, Some("web"))).unwrap();
        // The list: default/kubernetes (which every cluster has), then default/web.
        assert_eq!(moment.holders[7], 1, "web, the second Service of the list");
        assert!(moment.explicit[7] && !moment.explicit[8]);
        assert_eq!(moment.selected, Some(1));
        assert_eq!(moment.row.as_ref().unwrap().step.service, "default/web");
        assert_eq!(moment.service_count, 2);
        assert!(moment.explanation.is_some());
        assert_eq!(moment.taken, [30007]);
        assert_eq!(moment.has, Some(true));
        let deleted = now(engine.delete("web")).unwrap();
        assert_eq!(deleted.length, 2);
        assert_eq!(deleted.tail[1].step.result, "deleted");
        assert_eq!(now(engine.log(0..9)).unwrap().len(), 2);
        assert_eq!(now(engine.moment(99, 0..10, None)).unwrap().step, 2);
        let reconfigured = now(engine.reconfigure(&SettingsChange {
            static_subrange: Some(false),
            ..SettingsChange::default()
        }))
        .unwrap();
        assert_eq!(reconfigured.length, 2);
        assert_eq!(reconfigured.settings.bands.static_band.size, 0);
        let broken = now(engine.start("a: [", "apply", 1_000));
        assert_eq!(broken.unwrap_err().line, Some(2));
    }
}
