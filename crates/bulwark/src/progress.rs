//! A progress bar on standard error, shown only when standard error is a
//! terminal and the work has taken more than a second: quick runs and
//! scripts see nothing of it.

use std::io::IsTerminal;

#[derive(Debug)]
pub struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
    shown: bool,
    terminal: bool,
}

impl Progress {
    /// How long work goes before the bar appears.
    const QUIET_MS: u128 = 1000;

    /// A bar to `total`, drawn with `template` (indicatif's syntax).
    pub fn new(total: u64, template: &str) -> Progress {
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            started: std::time::Instant::now(),
            shown: false,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    pub fn set_message(&self, message: String) {
        self.bar.set_message(message);
    }

    pub fn tick(&mut self, position: u64) {
        if !self.shown && self.terminal && self.started.elapsed().as_millis() > Self::QUIET_MS {
            self.shown = true;
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_position(position);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
