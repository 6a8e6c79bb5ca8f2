//! The Kiel Institute's Ukraine Support Tracker, as normalised to CSV
//! (column names in Norwegian: `giver` donor, `dato` date, `kategori`
//! category, `maal` measure, `verdi_eur` value in EUR, `land` country).
//!
//! - `country_summary.csv`: per donor, committed and allocated amounts per
//!   category, in EUR **billions** (`financial_commitment`, …,
//!   `total_allocation`).
//! - `bilateral_activities.csv`: one row per activity — donor, date (may be
//!   empty), category, measure (`Allocation` or `Commitment`), `verdi_eur`
//!   (the amount allocated by that row; zero on a `Commitment` row) and
//!   `verdi_eur_activity` (the amount the activity committed), `maaned_nr`
//!   (the tracker's month number, 1 = January 2022) and `maaned_finnes`.
//!
//! Amounts become integer euro cents, read from the decimal text with
//! integer arithmetic (`ingest::decimal`), rounded half away from zero.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Refused;
use crate::csvtext::{self, Cell};

/// The three kinds of support the tracker counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Military,
    Financial,
    Humanitarian,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Military,
        Category::Financial,
        Category::Humanitarian,
    ];

    /// The word used in the summary's column names.
    pub fn word(self) -> &'static str {
        match self {
            Category::Military => "military",
            Category::Financial => "financial",
            Category::Humanitarian => "humanitarian",
        }
    }

    fn parse(text: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.word().eq_ignore_ascii_case(text.trim()))
    }
}

/// What an activity row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Support earmarked for delivery (delivered or specified to be).
    Allocation,
    /// Support promised, not yet allocated.
    Commitment,
}

/// One donor's line of `country_summary.csv`, in euro cents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub donor: String,
    pub line: u32,
    /// Committed per category.
    pub committed: BTreeMap<Category, i64>,
    /// Allocated per category.
    pub allocated: BTreeMap<Category, i64>,
    /// `total_commitment` as the file gives it.
    pub total_committed: i64,
    /// `total_allocation` as the file gives it.
    pub total_allocated: i64,
}

/// One row of `bilateral_activities.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub line: u32,
    pub donor: String,
    /// `YYYY-MM-DD`, when the tracker dates it.
    pub date: Option<String>,
    /// `YYYY-MM`: the date's month, else the tracker's month number; `None`
    /// when the tracker has neither.
    pub month: Option<String>,
    pub category: Category,
    pub measure: Measure,
    /// `verdi_eur`: allocated by this row, euro cents.
    pub allocated: i64,
    /// `verdi_eur_activity`: committed by this activity, euro cents.
    pub committed: i64,
}

/// What was read from one file: the rows, how many data lines, the refusals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read<T> {
    pub rows: Vec<T>,
    /// Data lines seen (refused ones included).
    pub lines: usize,
    pub refused: Vec<Refused>,
}

/// Columns by name for one file, or the refusal of its header.
struct Columns {
    index: BTreeMap<String, usize>,
}

impl Columns {
    fn cell<'a>(&self, cells: &'a [Cell], name: &str) -> Option<&'a Cell> {
        self.index.get(name).and_then(|i| cells.get(*i))
    }
}

/// Splits `bytes` into header and data lines; refuses a header that lacks
/// one of `required`.
fn open(
    file: &str,
    bytes: &[u8],
    required: &[&str],
    refused: &mut Vec<Refused>,
) -> Option<(Columns, Vec<csvtext::Line>)> {
    let mut lines = csvtext::lines(bytes).into_iter();
    let refuse = |line: u32, column: u32, reason: String| Refused {
        file: file.to_string(),
        line,
        column,
        reason,
    };
    let Some(header) = lines.next() else {
        refused.push(refuse(1, 1, "the file is empty: no header row".into()));
        return None;
    };
    let cells = match header.cells {
        Ok(c) => c,
        Err((column, why)) => {
            refused.push(refuse(
                header.number,
                column,
                format!("the header row: {why}"),
            ));
            return None;
        }
    };
    let index: BTreeMap<String, usize> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| (c.text.trim().to_string(), i))
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !index.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        refused.push(refuse(
            header.number,
            1,
            format!(
                "the header lacks column{} {}; nothing else is read",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return None;
    }
    Some((Columns { index }, lines.collect()))
}

/// A cell by column name, or the refusal naming the missing cell.
fn need<'a>(
    columns: &Columns,
    cells: &'a [Cell],
    name: &str,
    line: &csvtext::Line,
) -> Result<&'a Cell, (u32, String)> {
    columns.cell(cells, name).ok_or_else(|| {
        (
            line.end_column,
            format!("the row has {} cells and lacks `{name}`", cells.len()),
        )
    })
}

/// Decimal text × 10^`scale`, as integer cents.
fn amount(cell: &Cell, name: &str, scale: u32) -> Result<i64, (u32, String)> {
    ingest::decimal::scaled(&cell.text, scale).map_err(|e| (cell.column, format!("`{name}`: {e}")))
}

fn text(cell: &Cell, name: &str) -> Result<String, (u32, String)> {
    let t = cell.text.trim();
    if t.is_empty() {
        return Err((cell.column, format!("`{name}` is empty")));
    }
    Ok(t.to_string())
}

/// Reads `country_summary.csv` (amounts in EUR billions).
pub fn read_summary(file: &str, bytes: &[u8]) -> Read<Summary> {
    let mut read = Read {
        rows: Vec::new(),
        lines: 0,
        refused: Vec::new(),
    };
    let mut required = vec!["land".to_string()];
    for measure in ["commitment", "allocation"] {
        for c in Category::ALL {
            required.push(format!("{}_{measure}", c.word()));
        }
        required.push(format!("total_{measure}"));
    }
    let names: Vec<&str> = required.iter().map(String::as_str).collect();
    let Some((columns, lines)) = open(file, bytes, &names, &mut read.refused) else {
        return read;
    };
    // EUR billions → cents: 10^9 × 10^2.
    const SCALE: u32 = 11;
    // donor → the line it was first read from.
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for line in lines {
        read.lines += 1;
        let row = (|| {
            let cells = line.cells.as_ref().map_err(Clone::clone)?;
            let donor = text(need(&columns, cells, "land", &line)?, "land")?;
            let mut committed = BTreeMap::new();
            let mut allocated = BTreeMap::new();
            for c in Category::ALL {
                for (measure, map) in [
                    ("commitment", &mut committed),
                    ("allocation", &mut allocated),
                ] {
                    let name = format!("{}_{measure}", c.word());
                    map.insert(
                        c,
                        amount(need(&columns, cells, &name, &line)?, &name, SCALE)?,
                    );
                }
            }
            let total_committed = amount(
                need(&columns, cells, "total_commitment", &line)?,
                "total_commitment",
                SCALE,
            )?;
            let total_allocated = amount(
                need(&columns, cells, "total_allocation", &line)?,
                "total_allocation",
                SCALE,
            )?;
            Ok(Summary {
                donor,
                line: line.number,
                committed,
                allocated,
                total_committed,
                total_allocated,
            })
        })();
        let row = row.and_then(|s: Summary| match seen.get(&s.donor) {
            Some(first) => Err((
                1,
                format!(
                    "`{}` has a line already (line {first}): this one is not read",
                    s.donor
                ),
            )),
            None => {
                seen.insert(s.donor.clone(), s.line);
                Ok(s)
            }
        });
        match row {
            Ok(s) => read.rows.push(s),
            Err((column, reason)) => read.refused.push(Refused {
                file: file.to_string(),
                line: line.number,
                column,
                reason,
            }),
        }
    }
    read
}

/// `YYYY-MM-DD` with a real month and day, or why not.
fn date(text: &str) -> Result<(i32, u32), String> {
    let bad = || format!("`{text}` is not a date (YYYY-MM-DD)");
    let parts: Vec<&str> = text.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y) && digits(m) && digits(d)) {
        return Err(bad());
    }
    let (y, m, d): (i32, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(format!("`{text}`: there is no month {m}")),
    };
    if d == 0 || d > days {
        return Err(format!("`{text}`: month {m} has no day {d}"));
    }
    Ok((y, m))
}

/// The tracker's month number (1 = January 2022) as `YYYY-MM`.
fn month_number(n: u32) -> String {
    let i = n - 1;
    format!("{}-{:02}", 2022 + i / 12, i % 12 + 1)
}

/// Reads `bilateral_activities.csv` (amounts in EUR).
pub fn read_activities(file: &str, bytes: &[u8]) -> Read<Activity> {
    let mut read = Read {
        rows: Vec::new(),
        lines: 0,
        refused: Vec::new(),
    };
    let required = [
        "giver",
        "dato",
        "kategori",
        "maal",
        "verdi_eur",
        "verdi_eur_activity",
        "maaned_nr",
        "maaned_finnes",
    ];
    let Some((columns, lines)) = open(file, bytes, &required, &mut read.refused) else {
        return read;
    };
    for line in lines {
        read.lines += 1;
        let row = (|| {
            let cells = line.cells.as_ref().map_err(Clone::clone)?;
            let cell = |name: &str| need(&columns, cells, name, &line);
            let donor = text(cell("giver")?, "giver")?;
            let category_cell = cell("kategori")?;
            let category = Category::parse(&category_cell.text).ok_or_else(|| {
                (
                    category_cell.column,
                    format!(
                        "`kategori` `{}` is none of Military, Financial, Humanitarian",
                        category_cell.text
                    ),
                )
            })?;
            let measure_cell = cell("maal")?;
            let measure = match measure_cell.text.trim() {
                "Allocation" => Measure::Allocation,
                "Commitment" => Measure::Commitment,
                other => {
                    return Err((
                        measure_cell.column,
                        format!("`maal` `{other}` is neither Allocation nor Commitment"),
                    ));
                }
            };
            let allocated = amount(cell("verdi_eur")?, "verdi_eur", 2)?;
            let committed = amount(cell("verdi_eur_activity")?, "verdi_eur_activity", 2)?;
            let date_cell = cell("dato")?;
            let day = date_cell.text.trim();
            let (date, mut month) = if day.is_empty() {
                (None, None)
            } else {
                let (y, m) = date(day).map_err(|e| (date_cell.column, format!("`dato`: {e}")))?;
                (Some(day.to_string()), Some(format!("{y:04}-{m:02}")))
            };
            let known_cell = cell("maaned_finnes")?;
            let known = match known_cell.text.trim() {
                "True" | "true" => true,
                "False" | "false" | "" => false,
                other => {
                    return Err((
                        known_cell.column,
                        format!("`maaned_finnes` `{other}` is neither True nor False"),
                    ));
                }
            };
            let number_cell = cell("maaned_nr")?;
            let number: u32 = number_cell.text.trim().parse().map_err(|_| {
                (
                    number_cell.column,
                    format!("`maaned_nr` `{}` is not a month number", number_cell.text),
                )
            })?;
            if month.is_none() && known && (1..=1200).contains(&number) {
                month = Some(month_number(number));
            }
            Ok(Activity {
                line: line.number,
                donor,
                date,
                month,
                category,
                measure,
                allocated,
                committed,
            })
        })();
        match row {
            Ok(a) => read.rows.push(a),
            Err((column, reason)) => read.refused.push(Refused {
                file: file.to_string(),
                line: line.number,
                column,
                reason,
            }),
        }
    }
    read
}

/// Committed and allocated, and the share allocated, in one set of terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Euro cents.
    pub committed_eur_cents: i64,
    /// Euro cents.
    pub allocated_eur_cents: i64,
    /// Allocated ÷ committed, basis points; absent when nothing committed.
    pub allocated_share_bp: Option<i64>,
}

impl Figures {
    fn new(committed: i64, allocated: i64) -> Figures {
        Figures {
            committed_eur_cents: committed,
            allocated_eur_cents: allocated,
            allocated_share_bp: crate::share_bp(allocated, committed),
        }
    }
}

/// One donor in the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Donor {
    pub donor: String,
    /// The summary's total columns.
    pub total: Figures,
    /// Per category, in the order military, financial, humanitarian.
    pub categories: BTreeMap<Category, Figures>,
    /// Cumulative committed and allocated by month, from the activities.
    pub months: Vec<Month>,
    /// Activities the tracker does not date (neither a date nor a month).
    pub undated: Figures,
    /// Every activity of the donor summed (dated and undated): committed is
    /// `verdi_eur_activity` over all rows, allocated `verdi_eur` over the
    /// allocation rows. Equal to `total` when the two files agree.
    pub from_activities: Figures,
}

/// Cumulative figures at the end of a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    pub cumulative: Figures,
}

/// The tracker in the same terms as a framework's commitments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// Donors by committed amount, largest first (then by name).
    pub donors: Vec<Donor>,
    /// Over every donor.
    pub total: Figures,
    /// Donors with activities but no summary line (named, not added).
    pub without_summary: Vec<String>,
}

impl Ledger {
    /// Donors whose activities do not add up to their summary line, by more
    /// than `tolerance_cents` on either figure.
    pub fn disagreements(&self, tolerance_cents: i64) -> Vec<&Donor> {
        self.donors
            .iter()
            .filter(|d| {
                let off = |x: i64, y: i64| x.saturating_sub(y).saturating_abs() > tolerance_cents;
                off(
                    d.total.committed_eur_cents,
                    d.from_activities.committed_eur_cents,
                ) || off(
                    d.total.allocated_eur_cents,
                    d.from_activities.allocated_eur_cents,
                )
            })
            .collect()
    }

    /// The ledger of `summaries`, with each donor's monthly series from
    /// `activities`.
    pub fn new(summaries: &[Summary], activities: &[Activity]) -> Ledger {
        // donor → month → (committed, allocated); `None` month = undated.
        let mut by_month: BTreeMap<&str, BTreeMap<Option<&str>, (i64, i64)>> = BTreeMap::new();
        for a in activities {
            let slot = by_month
                .entry(a.donor.as_str())
                .or_default()
                .entry(a.month.as_deref())
                .or_default();
            slot.0 = slot.0.saturating_add(a.committed);
            if a.measure == Measure::Allocation {
                slot.1 = slot.1.saturating_add(a.allocated);
            }
        }
        let mut donors: Vec<Donor> = summaries
            .iter()
            .map(|s| {
                let mut months = Vec::new();
                let mut undated = Figures::new(0, 0);
                let (mut c, mut a) = (0i64, 0i64);
                for (month, (dc, da)) in by_month.get(s.donor.as_str()).into_iter().flatten() {
                    match month {
                        None => undated = Figures::new(*dc, *da),
                        Some(m) => {
                            c = c.saturating_add(*dc);
                            a = a.saturating_add(*da);
                            months.push(Month {
                                month: (*m).to_string(),
                                cumulative: Figures::new(c, a),
                            });
                        }
                    }
                }
                let from_activities = Figures::new(
                    c.saturating_add(undated.committed_eur_cents),
                    a.saturating_add(undated.allocated_eur_cents),
                );
                Donor {
                    from_activities,
                    donor: s.donor.clone(),
                    total: Figures::new(s.total_committed, s.total_allocated),
                    categories: Category::ALL
                        .into_iter()
                        .map(|cat| {
                            let get =
                                |m: &BTreeMap<Category, i64>| m.get(&cat).copied().unwrap_or(0);
                            (cat, Figures::new(get(&s.committed), get(&s.allocated)))
                        })
                        .collect(),
                    months,
                    undated,
                }
            })
            .collect();
        donors.sort_by(|x, y| {
            y.total
                .committed_eur_cents
                .cmp(&x.total.committed_eur_cents)
                .then_with(|| x.donor.cmp(&y.donor))
        });
        let total = Figures::new(
            donors
                .iter()
                .fold(0i64, |t, d| t.saturating_add(d.total.committed_eur_cents)),
            donors
                .iter()
                .fold(0i64, |t, d| t.saturating_add(d.total.allocated_eur_cents)),
        );
        let known: std::collections::BTreeSet<&str> =
            summaries.iter().map(|s| s.donor.as_str()).collect();
        let without_summary = by_month
            .keys()
            .filter(|d| !known.contains(*d))
            .map(|d| (*d).to_string())
            .collect();
        Ledger {
            donors,
            total,
            without_summary,
        }
    }
}

/// Euro cents as EUR billions with two decimals, rounded half away from
/// zero: `11_896_333_631_236` → `118.96`.
pub fn billions(cents: i64) -> String {
    let unit: i128 = 1_000_000_000; // cents in a hundredth of a billion
    let c = i128::from(cents);
    let hundredths = (c.abs() + unit / 2) / unit;
    let sign = if c < 0 && hundredths != 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = "land,financial_allocation,humanitarian_allocation,military_allocation,total_allocation,financial_commitment,humanitarian_commitment,military_commitment,total_commitment\n\
Alpha,1.5,0.25,2.0,3.75,2.0,0.25,3.0,5.25\n\
Beta,0,0,6e-05,6e-05,0,0,1,1\n\
Gamma,x,0,0,0,0,0,0,0\n\
Delta,1,1\n\
Beta,0,0,0,0,0,0,0,0\n";

    const ACTIVITIES: &str = "giver,dato,kategori,maal,verdi_eur,verdi_eur_redistr,verdi_eur_activity,maaned_nr,maaned_finnes,verdi_eur_mrd\n\
Alpha,2022-03-01,Military,Allocation,100.5,0,100.5,3,True,0\n\
Alpha,2022-03-20,Military,Commitment,0.0,0,50,3,True,0\n\
Alpha,,Humanitarian,Allocation,7,0,7,0,False,0\n\
Alpha,,Financial,Allocation,3,0,3,5,True,0\n\
Alpha,2022-02-30,Military,Allocation,1,0,1,2,True,0\n\
Alpha,2022-04-01,Naval,Allocation,1,0,1,4,True,0\n\
Alpha,2022-04-01,Military,Allocation,1e400,0,1,4,True,0\n\
Omega,2023-01-05,Financial,Allocation,-2.25,0,-2.25,13,True,0\n";

    #[test]
    fn summary_rows_are_exact_cents_and_bad_ones_located() {
        let r = read_summary("s.csv", SUMMARY.as_bytes());
        assert_eq!(r.lines, 5);
        assert_eq!(r.rows.len(), 2);
        let alpha = &r.rows[0];
        assert_eq!(alpha.total_committed, 525_000_000_000);
        assert_eq!(alpha.committed[&Category::Military], 300_000_000_000);
        assert_eq!(r.rows[1].allocated[&Category::Military], 6_000_000);
        let at: Vec<(u32, u32)> = r.refused.iter().map(|x| (x.line, x.column)).collect();
        assert_eq!(at, [(4, 7), (5, 10), (6, 1)]);
        assert!(r.refused[2].reason.contains("line 3"), "{:?}", r.refused);
        assert!(
            r.refused[0].reason.contains("financial_allocation"),
            "{:?}",
            r.refused
        );
        assert!(r.refused[1].reason.contains("lacks"), "{:?}", r.refused);
    }

    #[test]
    fn activities_bad_date_category_number_located_rest_read() {
        let r = read_activities("a.csv", ACTIVITIES.as_bytes());
        assert_eq!(r.lines, 8);
        assert_eq!(r.rows.len(), 5);
        let at: Vec<(u32, u32)> = r.refused.iter().map(|x| (x.line, x.column)).collect();
        assert_eq!(at, [(6, 7), (7, 18), (8, 38)], "{:?}", r.refused);
        assert_eq!(r.rows[0].allocated, 10_050);
        assert_eq!(r.rows[2].month, None);
        assert_eq!(r.rows[3].month.as_deref(), Some("2022-05"));
        assert_eq!(r.rows[4].allocated, -225);
    }

    #[test]
    fn ledger_shares_series_and_order() {
        let s = read_summary("s.csv", SUMMARY.as_bytes());
        let a = read_activities("a.csv", ACTIVITIES.as_bytes());
        let l = Ledger::new(&s.rows, &a.rows);
        let names: Vec<&str> = l.donors.iter().map(|d| d.donor.as_str()).collect();
        assert_eq!(names, ["Alpha", "Beta"]);
        assert_eq!(l.donors[0].total.allocated_share_bp, Some(7143));
        assert_eq!(
            l.donors[0].categories[&Category::Financial].allocated_share_bp,
            Some(7500)
        );
        let months: Vec<(&str, i64, i64)> = l.donors[0]
            .months
            .iter()
            .map(|m| {
                (
                    m.month.as_str(),
                    m.cumulative.committed_eur_cents,
                    m.cumulative.allocated_eur_cents,
                )
            })
            .collect();
        assert_eq!(
            months,
            [("2022-03", 15_050, 10_050), ("2022-05", 15_350, 10_350)]
        );
        assert_eq!(l.donors[0].undated.allocated_eur_cents, 700);
        assert_eq!(l.without_summary, ["Omega"]);
        assert_eq!(l.total.committed_eur_cents, 625_000_000_000);
        assert_eq!(billions(11_896_333_631_236), "118.96");
        assert_eq!(billions(6_000_000), "0.00");
        assert_eq!(billions(-10_000_000_000), "-0.10");
    }

    #[test]
    fn empty_and_headerless_files_are_refused_not_panicked() {
        assert_eq!(read_summary("s", b"").refused.len(), 1);
        assert_eq!(
            read_activities("a", b"giver,dato\nx,y\n").refused[0].line,
            1
        );
    }
}
