//! Reading what the pages answer: the page a form post leads to, the notice
//! on it, the cookies set.

use crate::{TestApp, location};

impl TestApp {
    /// The page at `path` as an anonymous visitor sees it.
    pub async fn page(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// The page at `path` as the account signed in with `cookie` sees it.
    pub async fn page_as(&self, path: &str, cookie: &str) -> String {
        self.get_as(path, cookie).await.text().await.unwrap()
    }

    /// POSTs a form as the site's own pages do: where the answer sends
    /// them (empty when it is not a redirect).
    pub async fn leads_to(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> String {
        location(&self.post_form(path, form, cookie).await)
    }

    /// POSTs a form as the site's own pages do, expects the redirect (303)
    /// and follows it: where it led and the page there.
    pub async fn post_form_and_follow(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: &str,
    ) -> (String, String) {
        let res = self.post_form(path, fields, Some(cookie)).await;
        assert_eq!(
            res.status(),
            303,
            "{path}: {}",
            res.text().await.unwrap_or_default()
        );
        let to = location(&res);
        let page = self.get_as(&to, cookie).await.text().await.unwrap();
        (to, page)
    }
}

/// The text of the notice with HTML id `id` on `page` (the outcome of the
/// last action, such as `team-notice`), its entities decoded; empty when
/// there is none.
pub fn notice(page: &str, id: &str) -> String {
    let Some(at) = page.find(&format!("id=\"{id}\"")) else {
        return String::new();
    };
    let start = page[at..].find('>').map(|i| at + i + 1).unwrap_or(at);
    let end = page[start..].find('<').map(|i| start + i).unwrap_or(start);
    page[start..end]
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The `name=value` of the cookie `name` that `res` sets (not one it
/// clears).
pub fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.starts_with(&format!("{name}=;")))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
}
