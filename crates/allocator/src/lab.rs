//! The lab: how likely a Service that needs a fixed nodePort finds it taken, with and without the
//! band split, simulated on the allocator and, where a closed form exists, computed exactly.
//!
//! A trial starts from an empty allocator; `K` requests for a dynamic port and one explicit request
//! per static port arrive, the dynamic ones first ([`Order::DynamicFirst`]) or in a uniformly random
//! order ([`Order::Random`]). It *conflicts* when a static request finds its port taken. A dynamic
//! request that finds the range full is refused and changes nothing.

use crate::gofmt::Quoted;
use crate::{BandKind, Bands, Config, PortAllocator, PortRange, Rng};
use std::fmt;

/// The order in which a trial's requests arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Every dynamic request, then the static ones.
    DynamicFirst,
    /// A uniformly random order of all requests.
    Random,
}

impl Order {
    /// `dynamic-first` or `random`.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::DynamicFirst => "dynamic-first",
            Order::Random => "random",
        }
    }
}

/// Numbers of dynamic requests: `K`, or a sweep `A..B[:STEP]` (A, A+STEP, … up to B).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sweep {
    first: u32,
    last: u32,
    step: u32,
}

impl Sweep {
    /// Every K from 0 to `size` (a range's size).
    pub fn all(size: u32) -> Self {
        Sweep {
            first: 0,
            last: size,
            step: 1,
        }
    }

    /// The one number `k`.
    pub fn one(k: u32) -> Self {
        Sweep {
            first: k,
            last: k,
            step: 1,
        }
    }

    /// Reads `K`, `A..B` or `A..B:STEP`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let number = |text: &str, what: &str| {
            text.trim()
                .parse::<u32>()
                .map_err(|_| format!("{what} {} is not a whole number", Quoted(text)))
        };
        let Some((first, rest)) = value.split_once("..") else {
            return Ok(Sweep::one(number(value, "K")?));
        };
        let (last, step) = match rest.split_once(':') {
            Some((last, step)) => (last, number(step, "STEP")?),
            None => (rest, 1),
        };
        let (first, last) = (number(first, "A")?, number(last, "B")?);
        if step == 0 {
            return Err("STEP must be at least 1".to_owned());
        }
        if first > last {
            return Err(format!("A ({first}) is over B ({last})"));
        }
        Ok(Sweep { first, last, step })
    }

    /// The numbers it names, in order.
    pub fn values(self) -> Vec<u32> {
        (self.first..=self.last)
            .step_by(self.step as usize)
            .collect()
    }
}

/// What to simulate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Experiment {
    /// The `--service-node-port-range`.
    pub range: PortRange,
    /// The numbers of dynamic requests to try, each at most the range's size.
    pub dynamic: Vec<u32>,
    /// The ports requested explicitly, each in the range, none twice.
    pub static_ports: Vec<u16>,
    /// The order of arrival.
    pub order: Order,
    /// Trials per number of dynamic requests.
    pub trials: u32,
    /// The seed every trial's randomness is derived from.
    pub seed: u64,
}

/// Why an experiment cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LabError {
    /// A static port outside the range.
    PortOutOfRange(u16, PortRange),
    /// A static port given twice.
    PortTwice(u16),
    /// No static port.
    NoStaticPort,
    /// More dynamic requests than the range has ports.
    TooManyDynamic(u32, u32),
    /// No trials.
    NoTrials,
}

impl fmt::Display for LabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabError::PortOutOfRange(port, range) => {
                write!(f, "static port {port} is outside the range {range}")
            }
            LabError::PortTwice(port) => write!(f, "static port {port} is given twice"),
            LabError::NoStaticPort => write!(f, "no static port to request"),
            LabError::TooManyDynamic(k, n) => write!(
                f,
                "{k} dynamic requests are more than the range's {n} ports"
            ),
            LabError::NoTrials => write!(f, "the number of trials must be at least 1"),
        }
    }
}

impl std::error::Error for LabError {}

/// How many trials conflicted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Trials in which a static request found its port taken.
    pub conflicts: u32,
    /// Trials run.
    pub trials: u32,
}

impl Tally {
    /// The share of trials that conflicted (0 before any trial).
    pub fn p(self) -> f64 {
        if self.trials == 0 {
            return 0.0;
        }
        f64::from(self.conflicts) / f64::from(self.trials)
    }

    /// The Wilson score interval at 95 % (z = 1.96); all of 0 to 1 before any trial.
    pub fn wilson95(self) -> (f64, f64) {
        const Z: f64 = 1.96;
        if self.trials == 0 {
            return (0.0, 1.0);
        }
        let n = f64::from(self.trials);
        let p = self.p();
        let z2 = Z * Z;
        let denominator = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denominator;
        let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
        // At 0 and at every trial the interval ends exactly at 0 and 1, without rounding.
        let low = if self.conflicts == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        };
        let high = if self.conflicts == self.trials {
            1.0
        } else {
            (centre + half).min(1.0)
        };
        (low, high)
    }
}

/// An experiment under way, run a number of trials at a time so that a caller can show progress
/// and stop; one per band-split setting.
#[derive(Clone, Debug)]
pub struct Lab {
    experiment: Experiment,
    split: bool,
    /// Seeds of successive trials.
    seeds: Rng,
    done: u32,
    tallies: Vec<Tally>,
    /// Dynamic-first: how many trials saw a static port first taken by the k-th dynamic request.
    first_taken: Vec<u32>,
    /// Dynamic-first with the split and every static port in the static band: the allocator with
    /// its dynamic band full, which the first D requests always leave, whatever their random starts.
    dynamic_band_full: Option<PortAllocator>,
}

impl Lab {
    /// Checks `experiment` and readies it with the band split on (`split`) or off.
    pub fn new(experiment: Experiment, split: bool) -> Result<Self, LabError> {
        let range = experiment.range;
        if experiment.trials == 0 {
            return Err(LabError::NoTrials);
        }
        if experiment.static_ports.is_empty() {
            return Err(LabError::NoStaticPort);
        }
        for (i, &port) in experiment.static_ports.iter().enumerate() {
            if !range.contains(i64::from(port)) {
                return Err(LabError::PortOutOfRange(port, range));
            }
            if experiment.static_ports[..i].contains(&port) {
                return Err(LabError::PortTwice(port));
            }
        }
        if let Some(&k) = experiment
            .dynamic
            .iter()
            .max()
            .filter(|&&k| k > range.size())
        {
            return Err(LabError::TooManyDynamic(k, range.size()));
        }
        let config = Config {
            static_subrange: split,
            seed: 0,
        };
        let bands = PortAllocator::new(range, config).bands();
        let all_static = experiment
            .static_ports
            .iter()
            .all(|&p| bands.band_of(i64::from(p)) == Some(BandKind::Static));
        let dynamic_band_full =
            (experiment.order == Order::DynamicFirst && all_static).then(|| {
                let mut allocator = PortAllocator::new(range, config);
                if let Some(band) = bands.dynamic_band {
                    for port in band.first..=band.last {
                        allocator
                            .allocate(i64::from(port))
                            .expect("a free port of the dynamic band");
                    }
                }
                allocator
            });
        Ok(Lab {
            seeds: Rng::new(experiment.seed),
            done: 0,
            tallies: vec![Tally::default(); experiment.dynamic.len()],
            first_taken: vec![0; range.size() as usize + 1],
            dynamic_band_full,
            experiment,
            split,
        })
    }

    /// Trials run so far.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// Whether every trial has run.
    pub fn finished(&self) -> bool {
        self.done == self.experiment.trials
    }

    /// Runs up to `count` more trials.
    pub fn run(&mut self, count: u32) {
        for _ in 0..count.min(self.experiment.trials - self.done) {
            let seed = self.seeds.next_u64();
            match self.experiment.order {
                Order::DynamicFirst => {
                    let first = self.first_taken_at(seed);
                    self.first_taken[first as usize] += 1;
                }
                Order::Random => {
                    for i in 0..self.experiment.dynamic.len() {
                        let k = self.experiment.dynamic[i];
                        let conflict = self.random_order_trial(k, seed);
                        self.tallies[i].conflicts += u32::from(conflict);
                    }
                }
            }
            self.done += 1;
        }
    }

    /// The tally of each number of dynamic requests, in the experiment's order, over the trials
    /// run so far.
    pub fn tallies(&self) -> Vec<Tally> {
        match self.experiment.order {
            Order::Random => self
                .tallies
                .iter()
                .map(|t| Tally {
                    trials: self.done,
                    ..*t
                })
                .collect(),
            Order::DynamicFirst => {
                // A trial conflicts at K exactly when a static port was taken within K requests.
                let mut at_most = Vec::with_capacity(self.first_taken.len());
                let mut sum = 0;
                for &n in &self.first_taken {
                    sum += n;
                    at_most.push(sum);
                }
                self.experiment
                    .dynamic
                    .iter()
                    .map(|&k| Tally {
                        conflicts: at_most[k as usize],
                        trials: self.done,
                    })
                    .collect()
            }
        }
    }

    /// Dynamic-first: one trial's dynamic requests, until every static port is taken; returns
    /// the number of requests that took the first of them (the range's size + 1 if none was).
    fn first_taken_at(&self, seed: u64) -> u32 {
        let config = Config {
            static_subrange: self.split,
            seed,
        };
        let (mut allocator, mut requests) = match &self.dynamic_band_full {
            Some(full) => {
                let mut allocator = full.clone();
                allocator.reseed(seed);
                (allocator, full.used())
            }
            None => (PortAllocator::new(self.experiment.range, config), 0),
        };
        let static_ports = &self.experiment.static_ports;
        while let Ok(pick) = allocator.allocate_next() {
            requests += 1;
            if static_ports.contains(&pick.port) {
                return requests;
            }
        }
        self.experiment.range.size() + 1
    }

    /// Random order: one trial of `k` dynamic requests among the static ones; whether a static
    /// request found its port taken. Stops once every static request has been answered.
    fn random_order_trial(&self, k: u32, seed: u64) -> bool {
        let mut allocator = PortAllocator::new(
            self.experiment.range,
            Config {
                static_subrange: self.split,
                seed,
            },
        );
        // The order draws from a stream of its own, so the allocator's starts stay its own.
        let mut order = Rng::new(seed ^ 0x5DEE_CE66_D1CE_5EED);
        let mut waiting: Vec<u16> = self.experiment.static_ports.clone();
        let mut dynamic_left = k;
        while !waiting.is_empty() {
            let left = dynamic_left + waiting.len() as u32;
            let pick = order.below(left);
            if pick < dynamic_left {
                dynamic_left -= 1;
                // A full range refuses the request; nothing changes.
                let _ = allocator.allocate_next();
            } else {
                let port = waiting.swap_remove((pick - dynamic_left) as usize);
                if allocator.allocate(i64::from(port)).is_err() {
                    return true;
                }
            }
        }
        false
    }
}

/// An experiment with the band split, without it, or both, run one after the other: what the
/// front ends run and report.
#[derive(Clone, Debug)]
pub struct Study {
    experiment: Experiment,
    split: Option<Lab>,
    legacy: Option<Lab>,
}

impl Study {
    /// Checks `experiment` and readies it for the modes asked for (at least one).
    pub fn new(experiment: Experiment, split: bool, legacy: bool) -> Result<Self, LabError> {
        let lab = |on: bool| Lab::new(experiment.clone(), on);
        Ok(Study {
            split: split.then(|| lab(true)).transpose()?,
            legacy: (legacy || !split).then(|| lab(false)).transpose()?,
            experiment,
        })
    }

    /// The experiment.
    pub fn experiment(&self) -> &Experiment {
        &self.experiment
    }

    /// Runs up to `count` more trials, those of the split first.
    pub fn run(&mut self, count: u32) {
        let mut left = count;
        for lab in self.split.iter_mut().chain(self.legacy.iter_mut()) {
            let before = lab.done();
            lab.run(left);
            left -= lab.done() - before;
        }
    }

    /// Trials run so far, over the modes.
    pub fn done(&self) -> u32 {
        self.labs().map(Lab::done).sum()
    }

    /// Trials to run, over the modes.
    pub fn total(&self) -> u32 {
        self.experiment.trials * self.labs().count() as u32
    }

    /// Whether every trial has run.
    pub fn finished(&self) -> bool {
        self.labs().all(Lab::finished)
    }

    /// The tallies with the split and without it, for the modes studied.
    pub fn tallies(&self) -> (Option<Vec<Tally>>, Option<Vec<Tally>>) {
        (
            self.split.as_ref().map(Lab::tallies),
            self.legacy.as_ref().map(Lab::tallies),
        )
    }

    fn labs(&self) -> impl Iterator<Item = &Lab> {
        self.split.iter().chain(self.legacy.iter())
    }
}

/// The exact probability of a conflict, where a closed form is known: one static port `port`,
/// requested after `k` dynamic ones. A random start and a scan that wraps inside its band take
/// every port of a band with the same probability, so without the split it is K/N; with it, a port
/// of the static band is safe while the dynamic band has room, max(0, K − D)/S, and a port of the
/// dynamic band is taken with probability min(K, D)/D (N, S, D: the range's and bands' sizes).
/// `None` for several static ports or a random order.
pub fn exact(
    range: PortRange,
    split: bool,
    static_ports: &[u16],
    order: Order,
    k: u32,
) -> Option<f64> {
    let [port] = static_ports else {
        return None;
    };
    if order != Order::DynamicFirst || !range.contains(i64::from(*port)) {
        return None;
    }
    let bands = Bands::of(range);
    let ratio = |a: u32, b: u32| f64::from(a) / f64::from(b);
    Some(match bands.band_of(i64::from(*port)) {
        Some(BandKind::Static) if split => {
            ratio(k.saturating_sub(bands.dynamic_size()), bands.static_size())
        }
        _ if split => ratio(k.min(bands.dynamic_size()), bands.dynamic_size()),
        _ => ratio(k, range.size()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn experiment(range: &str, dynamic: Vec<u32>, ports: Vec<u16>, order: Order) -> Experiment {
        Experiment {
            range: PortRange::parse(range).unwrap(),
            dynamic,
            static_ports: ports,
            order,
            trials: 4000,
            seed: 3,
        }
    }

    fn run(experiment: &Experiment, split: bool) -> Vec<Tally> {
        let mut lab = Lab::new(experiment.clone(), split).unwrap();
        while !lab.finished() {
            lab.run(1000);
        }
        lab.tallies()
    }

    /// Simulation agrees with the exact values within its 95 % interval. The points of one sweep
    /// share their trials, so their misses go together; here each point is a run of its own with
    /// its own seed, so each misses with probability 5 %, and at most one in ten may (the seeds are
    /// fixed, so the test always gives the same answer). Where the exact value is 0 or 1, every
    /// trial agrees.
    #[test]
    fn simulation_agrees_with_the_exact_values() {
        let range = PortRange::parse("30000-30299").unwrap();
        let (mut points, mut misses) = (0, 0);
        for (port, split) in [(30000, true), (30000, false), (30150, true), (30299, false)] {
            for k in (0..=300).step_by(30) {
                let mut one = experiment("30000-30299", vec![k], vec![port], Order::DynamicFirst);
                one.trials = 1000;
                one.seed = u64::from(k) * 31 + u64::from(port);
                let tally = run(&one, split)[0];
                let exact = exact(range, split, &[port], Order::DynamicFirst, k).unwrap();
                let (low, high) = tally.wilson95();
                points += 1;
                misses += usize::from(exact < low - 1e-12 || exact > high + 1e-12);
                if exact == 0.0 || exact == 1.0 {
                    assert_eq!(tally.p(), exact, "port {port} split {split} k {k}");
                }
            }
        }
        assert!(misses * 10 <= points, "{misses} of {points} points miss");
    }

    #[test]
    fn with_the_split_no_trial_conflicts_while_the_dynamic_band_has_room() {
        let range = PortRange::parse("30000-32767").unwrap();
        let d = Bands::of(range).dynamic_size();
        for order in [Order::DynamicFirst, Order::Random] {
            let mut experiment = experiment(
                "30000-32767",
                vec![0, 1, d / 2, d],
                vec![30000, 30085],
                order,
            );
            experiment.trials = 200;
            assert!(run(&experiment, true).iter().all(|t| t.conflicts == 0));
        }
        // Without the split, the same ports are taken often.
        let experiment = experiment("30000-32767", vec![d], vec![30000], Order::DynamicFirst);
        assert!(run(&experiment, false)[0].p() > 0.9);
    }

    /// Random order with one static port: it arrives after J dynamic requests, J uniform in
    /// 0..=K, so the chance is the mean of the dynamic-first chances for 0..=K.
    #[test]
    fn random_order_is_the_mean_over_where_the_static_request_lands() {
        let range = PortRange::parse("30000-30099").unwrap();
        let experiment = experiment("30000-30099", vec![40, 100], vec![30050], Order::Random);
        let tallies = run(&experiment, false);
        for (&k, tally) in [40u32, 100].iter().zip(&tallies) {
            let mean = (0..=k)
                .map(|j| exact(range, false, &[30050], Order::DynamicFirst, j).unwrap())
                .sum::<f64>()
                / f64::from(k + 1);
            let (low, high) = tally.wilson95();
            assert!(
                low <= mean && mean <= high,
                "k {k}: {mean} not in [{low}, {high}]"
            );
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_tallies() {
        let mut experiment = experiment(
            "30000-30999",
            vec![0, 500, 1000],
            vec![30010, 30900],
            Order::Random,
        );
        experiment.trials = 300;
        assert_eq!(run(&experiment, true), run(&experiment, true));
        let mut other = experiment.clone();
        other.seed = 4;
        assert_ne!(run(&experiment, false), run(&other, false));
    }

    #[test]
    fn bad_experiments_are_refused() {
        let bad = |f: fn(&mut Experiment)| {
            let mut e = experiment("30000-30999", vec![10], vec![30000], Order::DynamicFirst);
            f(&mut e);
            Lab::new(e, true).unwrap_err().to_string()
        };
        assert_eq!(
            bad(|e| e.static_ports = vec![29999]),
            "static port 29999 is outside the range 30000-30999"
        );
        assert_eq!(
            bad(|e| e.static_ports = vec![30001, 30001]),
            "static port 30001 is given twice"
        );
        assert_eq!(
            bad(|e| e.dynamic = vec![1001]),
            "1001 dynamic requests are more than the range's 1000 ports"
        );
        assert_eq!(
            bad(|e| e.trials = 0),
            "the number of trials must be at least 1"
        );
        assert_eq!(bad(|e| e.static_ports.clear()), "no static port to request");
    }

    #[test]
    fn sweeps_read_as_written() {
        assert_eq!(Sweep::parse("7").unwrap().values(), [7]);
        assert_eq!(Sweep::parse("0..10:4").unwrap().values(), [0, 4, 8]);
        assert_eq!(Sweep::parse("3..5").unwrap().values(), [3, 4, 5]);
        assert_eq!(Sweep::all(2).values(), [0, 1, 2]);
        assert_eq!(Sweep::parse("5..3").unwrap_err(), "A (5) is over B (3)");
        assert_eq!(
            Sweep::parse("1..3:0").unwrap_err(),
            "STEP must be at least 1"
        );
        assert_eq!(
            Sweep::parse("x").unwrap_err(),
            "K \"x\" is not a whole number"
        );
    }

    #[test]
    fn wilson_interval() {
        let (low, high) = Tally {
            conflicts: 0,
            trials: 10,
        }
        .wilson95();
        assert_eq!(low, 0.0);
        assert!((high - 0.2775).abs() < 1e-4, "{high}");
        let (low, high) = Tally {
            conflicts: 50,
            trials: 100,
        }
        .wilson95();
        assert!(
            (low - 0.4038).abs() < 1e-4 && (high - 0.5962).abs() < 1e-4,
            "{low} {high}"
        );
    }
}
