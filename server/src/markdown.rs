//! Markdown from organizers and participants, rendered to HTML that is safe
//! to put in a page: pulldown-cmark, then ammonia's allow-list sanitizer
//! (no scripts, no event-handler attributes, no `javascript:` URLs).

use pulldown_cmark::{Options, Parser, html};

pub fn to_safe_html(source: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The oracle: no element in the output is a script, no attribute name
    /// starts with `on`, and no attribute value is a `javascript:` URL.
    /// Parses tags with quoted values, so text and values cannot fool it.
    fn is_safe(html: &str) -> bool {
        let b: Vec<char> = html.to_ascii_lowercase().chars().collect();
        let mut i = 0;
        while i < b.len() {
            if b[i] != '<' {
                i += 1;
                continue;
            }
            i += 1;
            let name_start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '/') {
                i += 1;
            }
            let name: String = b[name_start..i].iter().collect();
            if name == "script" {
                return false;
            }
            loop {
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i >= b.len() || b[i] == '>' {
                    break;
                }
                let attr_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != '=' && b[i] != '>' {
                    i += 1;
                }
                let attr: String = b[attr_start..i].iter().collect();
                if attr.starts_with("on") {
                    return false;
                }
                if i < b.len() && b[i] == '=' {
                    i += 1;
                    let value: String = if i < b.len() && (b[i] == '"' || b[i] == '\'') {
                        let q = b[i];
                        i += 1;
                        let v = i;
                        while i < b.len() && b[i] != q {
                            i += 1;
                        }
                        let value = b[v..i.min(b.len())].iter().collect();
                        i += 1;
                        value
                    } else {
                        let v = i;
                        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != '>' {
                            i += 1;
                        }
                        b[v..i].iter().collect()
                    };
                    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
                    if compact.contains("javascript:") {
                        return false;
                    }
                }
                if attr.is_empty() && i < b.len() && b[i] != '>' {
                    i += 1;
                }
            }
            i += 1;
        }
        true
    }

    #[test]
    fn rules_render_as_html() {
        let html = to_safe_html("**Originality**: built during the weekend.\n\n- one\n- two");
        assert!(html.contains("<strong>Originality</strong>"));
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"javascript:evil()\">y</a>",
        );
        assert!(is_safe(&html), "{html}");
    }

    #[test]
    fn links_get_rel_noopener() {
        let html = to_safe_html("[Mistral](https://mistral.ai)");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    proptest! {
        #[test]
        fn no_markdown_ever_renders_a_script_a_handler_or_a_javascript_url(
            parts in proptest::collection::vec(prop_oneof![
                Just("<script>alert(1)</script>".to_owned()),
                Just("<img src=x onerror=alert(1)>".to_owned()),
                Just("<a href=\"javascript:alert(1)\">x</a>".to_owned()),
                Just("[x](javascript:alert(1))".to_owned()),
                Just("<svg onload=alert(1)>".to_owned()),
                Just("<div style=\"x\" onclick='y'>".to_owned()),
                Just("JaVaScRiPt:alert(1)".to_owned()),
                Just("<iframe src=\"https://evil\"></iframe>".to_owned()),
                Just("`code`".to_owned()),
                Just("\n\n".to_owned()),
                "[ -~]{0,20}",
            ], 0..12)
        ) {
            let source = parts.concat();
            let html = to_safe_html(&source);
            prop_assert!(is_safe(&html), "unsafe output {html} for {source}");
        }
    }
}
