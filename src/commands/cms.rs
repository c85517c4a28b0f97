//! `dastan cms-config`: a Decap CMS configuration generated from the site's own schema, so
//! that editors can use a web editor on any static host (see README, "A web editor").

use crate::cli::CmsConfigArgs;
use crate::config;
use serde_json::json;

pub fn run(a: CmsConfigArgs) -> u8 {
    let cfg = match config::load(&a.root.root, None) {
        Ok(c) => c,
        Err(d) => {
            super::print(&d);
            return super::CONTENT_ERROR;
        }
    };
    let text = |name: &str, label: &str, widget: &str, required: bool| json!({"name": name, "label": label, "widget": widget, "required": required, "i18n": true});
    let shared = |name: &str, label: &str, widget: &str, required: bool| json!({"name": name, "label": label, "widget": widget, "required": required, "i18n": "duplicate"});
    let mut fields = vec![
        text("title", "Title", "string", true),
        shared("date", "Date", "datetime", true),
        text("summary", "Summary", "text", false),
        text("location", "Location", "string", false),
        text("event", "Event", "string", false),
    ];
    for t in &cfg.taxonomies {
        fields.push(json!({"name": t, "label": t, "widget": "list", "required": false, "i18n": "duplicate"}));
    }
    fields.extend([
        json!({"name": "cover", "label": "Cover", "widget": "object", "required": false, "i18n": true, "fields": [
            {"name": "src", "label": "Image", "widget": "image", "required": false, "i18n": "duplicate"},
            {"name": "alt", "label": "Description for screen readers", "widget": "string", "required": false, "i18n": true},
            {"name": "credit", "label": "Credit", "widget": "string", "required": false, "i18n": true}
        ]}),
        json!({"name": "source", "label": "Source", "widget": "object", "required": false, "i18n": true, "fields": [
            {"name": "name", "label": "Name", "widget": "string", "required": false, "i18n": true},
            {"name": "url", "label": "URL", "widget": "string", "required": false, "i18n": "duplicate"}
        ]}),
        json!({"name": "machine_translated", "label": "Machine translation", "widget": "boolean", "required": false, "default": false, "i18n": true}),
        json!({"name": "draft", "label": "Draft", "widget": "boolean", "required": false, "default": false, "i18n": "duplicate"}),
        shared("updated", "Updated", "datetime", false),
        json!({"name": "body", "label": "Text", "widget": "markdown", "required": true, "i18n": true}),
    ]);
    let config = json!({
        "backend": {"name": "git-gateway", "branch": "main"},
        "media_folder": "",
        "public_folder": "",
        "i18n": {
            "structure": "multiple_files",
            "locales": cfg.languages,
            "default_locale": cfg.default_language,
        },
        "collections": [{
            "name": "reports",
            "label": "Reports",
            "folder": "content/reports",
            "create": true,
            "path": "{{slug}}/index",
            "media_folder": "",
            "public_folder": "",
            "extension": "md",
            "format": "yaml-frontmatter",
            "slug": "{{year}}-{{month}}-{{day}}-{{slug}}",
            "i18n": true,
            "fields": fields,
        }],
    });
    match serde_yaml::to_string(&config) {
        Ok(y) => {
            print!("{y}");
            super::OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            super::CONTENT_ERROR
        }
    }
}
