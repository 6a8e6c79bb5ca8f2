//! A small CSV splitter that keeps where every cell starts, so a refused
//! cell is named by line and column. One record per line: a quoted cell
//! may hold commas and doubled quotes, not a line break.

/// One cell: its text (quotes removed) and 1-based column in characters.
#[derive(Debug)]
pub(crate) struct Cell {
    pub text: String,
    pub column: u32,
}

/// One line split into cells, or why it could not be.
#[derive(Debug)]
pub(crate) struct Line {
    /// 1-based line number.
    pub number: u32,
    /// Column just past the last character (for a missing cell).
    pub end_column: u32,
    pub cells: Result<Vec<Cell>, (u32, String)>,
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every non-blank line of `bytes`, split. A byte-order mark is skipped.
pub(crate) fn lines(bytes: &[u8]) -> Vec<Line> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut out = Vec::new();
    for (i, raw) in bytes.split(|b| *b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(|b| *b == b' ' || *b == b'\t') {
            continue;
        }
        let number = to_u32(i + 1);
        match std::str::from_utf8(raw) {
            Ok(text) => out.push(Line {
                number,
                end_column: to_u32(text.chars().count() + 1),
                cells: split(text),
            }),
            Err(e) => {
                let good = raw.get(..e.valid_up_to()).unwrap_or_default();
                let column = String::from_utf8_lossy(good).chars().count() + 1;
                out.push(Line {
                    number,
                    end_column: to_u32(column),
                    cells: Err((to_u32(column), "the line is not UTF-8 text".into())),
                });
            }
        }
    }
    out
}

fn split(text: &str) -> Result<Vec<Cell>, (u32, String)> {
    let mut cells = Vec::new();
    let mut chars = text.chars().peekable();
    let mut column: u32 = 1;
    loop {
        let start = column;
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            column += 1;
            loop {
                match chars.next() {
                    None => return Err((start, "a quoted cell is not closed on its line".into())),
                    Some('"') => {
                        column += 1;
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            column += 1;
                            cell.push('"');
                        } else {
                            break;
                        }
                    }
                    Some(c) => {
                        column += 1;
                        cell.push(c);
                    }
                }
            }
            match chars.peek() {
                None | Some(',') => {}
                Some(_) => {
                    return Err((
                        column,
                        "text after a quoted cell's closing quote (a comma was expected)".into(),
                    ));
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' {
                    break;
                }
                chars.next();
                column += 1;
                cell.push(c);
            }
        }
        cells.push(Cell {
            text: cell,
            column: start,
        });
        match chars.next() {
            Some(',') => column += 1,
            _ => return Ok(cells),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_columns_and_quotes_are_undone() {
        let l = lines(b"a,\"b,\"\"c\"\"\",\xc3\xa9d,\r\n\n  \nx");
        assert_eq!(l.len(), 2);
        let cells = l[0].cells.as_ref().unwrap();
        let got: Vec<(&str, u32)> = cells.iter().map(|c| (c.text.as_str(), c.column)).collect();
        assert_eq!(got, [("a", 1), ("b,\"c\"", 3), ("éd", 13), ("", 16)]);
        assert_eq!(l[1].number, 4);
    }

    #[test]
    fn broken_lines_are_located() {
        let l = lines(b"a,\"b\nc,\"d\"e\nf\xff");
        assert_eq!(l[0].cells.as_ref().unwrap_err().0, 3);
        assert_eq!(l[1].cells.as_ref().unwrap_err().0, 6);
        assert_eq!(l[2].cells.as_ref().unwrap_err().0, 2);
    }
}
