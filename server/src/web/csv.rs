//! CSV for organizers' exports: the `csv` crate writes the records (a field
//! quoted only when it holds a comma, a quote or a line break; lines end
//! with CRLF), and every cell is defused first so that a spreadsheet does
//! not run it as a formula.

use std::borrow::Cow;

/// `value`, with a leading `'` when a spreadsheet would read it as a
/// formula: it starts with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub(crate) fn defuse(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// An organizer's export as a download: the document of `header` and
/// `rows` (see [`document`]), named `filename`, never kept by a cache (it
/// holds people's data).
pub(crate) fn download<H, R>(
    filename: &str,
    header: H,
    rows: impl IntoIterator<Item = R>,
) -> axum::response::Response
where
    H: IntoIterator<Item: AsRef<str>>,
    R: IntoIterator<Item: AsRef<str>>,
{
    use axum::http::header;
    use axum::response::IntoResponse;
    match document(header, rows) {
        Ok(out) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            out,
        )
            .into_response(),
        Err(e) => crate::web::forms::internal(e),
    }
}

/// A whole CSV document: `header`, then one line per row, every cell
/// defused. A row with not as many cells as the header is an error.
pub(crate) fn document<H, R>(header: H, rows: impl IntoIterator<Item = R>) -> csv::Result<String>
where
    H: IntoIterator<Item: AsRef<str>>,
    R: IntoIterator<Item: AsRef<str>>,
{
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    line(&mut out, header)?;
    for row in rows {
        line(&mut out, row)?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    // Only whole `str` cells and ASCII punctuation went in.
    String::from_utf8(bytes)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e).into())
}

fn line<W: std::io::Write>(
    out: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item: AsRef<str>>,
) -> csv::Result<()> {
    for cell in cells {
        out.write_field(defuse(cell.as_ref()).as_bytes())?;
    }
    out.write_record(None::<&[u8]>)
}

#[cfg(test)]
mod tests {
    use super::{defuse, document};

    #[test]
    fn cells_are_quoted_only_when_needed_and_formulas_defused() {
        // The line a cell gives, beside a plain one.
        let cell = |value: &str| {
            let doc = document(["h", "x"], [[value, "x"]]).unwrap();
            doc.strip_prefix("h,x\r\n").unwrap().to_owned()
        };
        assert_eq!(cell("plain"), "plain,x\r\n");
        assert_eq!(cell(""), ",x\r\n");
        assert_eq!(cell("a,b"), "\"a,b\",x\r\n");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\",x\r\n");
        assert_eq!(cell("two\nlines"), "\"two\nlines\",x\r\n");
        assert_eq!(
            cell("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\",x\r\n"
        );
        assert_eq!(cell("-1"), "'-1,x\r\n");
        assert_eq!(cell("\rcr"), "\"'\rcr\",x\r\n");
        for start in ["=", "+", "-", "@", "\t", "\r"] {
            assert_eq!(defuse(&format!("{start}1")), format!("'{start}1"));
        }
        assert_eq!(defuse("1-2"), "1-2");
        // The header goes through the same writer.
        assert_eq!(
            document(["a b", "c,d", "@e"], [[""; 3]]).unwrap(),
            "a b,\"c,d\",'@e\r\n,,\r\n"
        );
    }

    #[test]
    fn a_row_of_another_length_is_refused() {
        assert!(document(["a", "b"], [vec!["1", "2"], vec!["3"]]).is_err());
        assert_eq!(
            document(["a", "b"], Vec::<[&str; 2]>::new()).unwrap(),
            "a,b\r\n"
        );
    }
}
