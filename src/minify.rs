//! Minifying the theme's CSS and JavaScript before they are fingerprinted. The only module that
//! knows the JavaScript minifier (oxc).

/// A small CSS minifier: comments and needless white space go; strings are kept as written.
pub fn css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let bytes: Vec<char> = css.chars().collect();
    let mut i = 0;
    let mut in_str: Option<char> = None;
    let mut pending_space = false;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = in_str {
            out.push(c);
            if c == '\\' && i + 1 < bytes.len() {
                out.push(bytes[i + 1]);
                i += 2;
                continue;
            }
            if c == q {
                in_str = None;
            }
            i += 1;
            continue;
        }
        if c == '/' && bytes.get(i + 1) == Some(&'*') {
            let mut j = i + 2;
            while j + 1 < bytes.len() && !(bytes[j] == '*' && bytes[j + 1] == '/') {
                j += 1;
            }
            i = j + 2;
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            i += 1;
            continue;
        }
        if pending_space {
            let prev = out.chars().last();
            let tight = |ch: char| "{};:,>".contains(ch);
            if prev.is_some_and(|p| !tight(p)) && !tight(c) && c != '}' {
                out.push(' ');
            }
            pending_space = false;
        }
        if c == '"' || c == '\'' {
            in_str = Some(c);
        }
        if c == '}' && out.ends_with(';') {
            out.pop();
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A JavaScript syntax error: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Minifies a classic script (not a module): white space and comments removed, local names
/// shortened, constant expressions folded. A script that does not parse is an error, so that
/// the caller can say where and ship it as it was written.
pub fn js(source: &str) -> Result<String, JsError> {
    use oxc_allocator::Allocator;
    use oxc_codegen::{Codegen, CodegenOptions};
    use oxc_minifier::{Minifier, MinifierOptions};
    use oxc_parser::Parser;
    use oxc_span::SourceType;

    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::cjs()).parse();
    if let Some(e) = parsed.diagnostics.first() {
        let offset = e.labels.as_ref().first().map_or(0, |l| l.offset() as usize);
        let (line, column) = crate::diag::line_col(source, offset.min(source.len()));
        return Err(JsError {
            line,
            column,
            message: e.message.to_string(),
        });
    }
    if parsed.panicked {
        return Err(JsError {
            line: 1,
            column: 1,
            message: "the script could not be read".into(),
        });
    }
    let mut program = parsed.program;
    let done = Minifier::new(MinifierOptions::default()).minify(&allocator, &mut program);
    Ok(Codegen::new()
        .with_options(CodegenOptions::minify())
        .with_scoping(done.scoping)
        .build(&program)
        .code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_minified() {
        assert_eq!(
            css("a  {\n  color : red ;\n}\n/* x */ b > c { margin: 0 auto; }"),
            "a{color:red}b>c{margin:0 auto}"
        );
        assert_eq!(
            css("a::after { content: \" x  y \"; }"),
            "a::after{content:\" x  y \"}"
        );
    }

    #[test]
    fn js_minified() {
        let out = js("// a comment\nfunction greet(longName) {\n  const message = 'Сәлем, ' + longName;\n  return message;\n}\nwindow.greet = greet;\n")
            .unwrap_or_default();
        assert!(!out.contains("comment"), "{out}");
        assert!(!out.contains("longName"), "{out}");
        assert!(out.contains("window.greet"), "{out}");
        assert!(out.len() < 80, "{out}");
    }

    #[test]
    fn js_syntax_error_has_a_place() {
        let e = js("let a = 1;\nlet b = ;\n").err();
        assert_eq!(e.map(|e| e.line), Some(2));
    }
}
