//! Responsive images: smaller copies of every JPEG and PNG of a report (480, 960 and 1600 px
//! wide, JPEG and WebP), made once and kept in `.dastan-cache/images/` under a hash of the
//! original's bytes, so that an unchanged image is never encoded again. Pages get `width` and
//! `height` (space reserved before the image arrives) and `srcset`s to choose from.
//! The only module that uses the image crates.

use crate::render::{Data, OutputFile};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Widths made for an image wider than them.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];
const JPEG_QUALITY: u8 = 82;
const WEBP_QUALITY: f32 = 78.0;

/// What a page needs to show an image responsively.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Responsive {
    pub width: u32,
    pub height: u32,
    /// JPEG or PNG candidates (`cover.480w.jpg 480w, …, cover.jpg 1600w`).
    pub srcset: String,
    pub webp_srcset: String,
}

/// Whether a file is an image dastan makes smaller copies of.
pub fn is_raster(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")
}

fn widths_for(width: u32) -> Vec<u32> {
    WIDTHS.iter().copied().filter(|w| *w < width).collect()
}

/// `photos/cover.jpg` → `photos/cover.480w.jpg` (or `.webp`).
pub fn variant(path: &str, width: u32, webp: bool) -> String {
    let (stem, ext) = match path.rsplit_once('.') {
        Some((s, e)) if !s.ends_with('/') && !s.is_empty() => (s, e),
        _ => (path, ""),
    };
    let ext = if webp { "webp" } else { ext };
    format!("{stem}.{width}w.{ext}")
}

/// Sizes and candidates of the image at `abs`, served at `url`. `None` when it is not a
/// raster image or its header cannot be read.
pub fn describe(abs: &Path, url: &str) -> Option<Responsive> {
    if !is_raster(url) {
        return None;
    }
    let size = imagesize::size(abs).ok()?;
    let (width, height) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    if width == 0 || height == 0 {
        return None;
    }
    let mut srcset: Vec<String> = widths_for(width)
        .into_iter()
        .map(|w| format!("{} {w}w", variant(url, w, false)))
        .collect();
    srcset.push(format!("{url} {width}w"));
    let mut webp: Vec<String> = widths_for(width)
        .into_iter()
        .map(|w| format!("{} {w}w", variant(url, w, true)))
        .collect();
    webp.push(format!("{} {width}w", variant(url, width, true)));
    Some(Responsive {
        width,
        height,
        srcset: srcset.join(", "),
        webp_srcset: webp.join(", "),
    })
}

/// The smaller copies of the image at `abs` (whose output path is `out`): from the cache, or
/// made now and kept there. Without a cache folder they are made in memory.
pub fn variants(abs: &Path, out: &str, cache: Option<&Path>) -> Result<Vec<OutputFile>, String> {
    let bytes = std::fs::read(abs).map_err(|e| format!("cannot read: {e}"))?;
    let size = imagesize::blob_size(&bytes).map_err(|e| format!("not an image: {e}"))?;
    let width = u32::try_from(size.width).map_err(|_| "too wide".to_string())?;
    let mut wanted: Vec<(u32, bool)> = widths_for(width)
        .into_iter()
        .flat_map(|w| [(w, false), (w, true)])
        .collect();
    wanted.push((width, true));
    let key = blake3::hash(&bytes).to_hex().to_string();
    let ext = out
        .rsplit_once('.')
        .map_or("jpg", |(_, e)| e)
        .to_ascii_lowercase();
    let cached = |w: u32, webp: bool| -> Option<PathBuf> {
        cache.map(|c| {
            c.join(format!(
                "{}-{w}.{}",
                &key[..32],
                if webp { "webp" } else { ext.as_str() }
            ))
        })
    };
    if cache.is_some()
        && wanted
            .iter()
            .all(|(w, webp)| cached(*w, *webp).is_some_and(|p| p.is_file()))
    {
        return Ok(wanted
            .iter()
            .filter_map(|(w, webp)| {
                cached(*w, *webp).map(|p| OutputFile {
                    path: variant(out, *w, *webp),
                    data: Data::Copy(p),
                })
            })
            .collect());
    }
    let img = image::load_from_memory(&bytes).map_err(|e| format!("cannot decode: {e}"))?;
    if img.color().has_alpha() && ext != "png" {
        return Ok(Vec::new());
    }
    let keep_alpha = img.color().has_alpha();
    let (src_w, src_h) = (img.width(), img.height());
    let (pixels, pixel_type, channels) = if keep_alpha {
        (
            img.to_rgba8().into_raw(),
            fast_image_resize::PixelType::U8x4,
            4,
        )
    } else {
        (
            img.to_rgb8().into_raw(),
            fast_image_resize::PixelType::U8x3,
            3,
        )
    };
    drop(img);
    let src = fast_image_resize::images::Image::from_vec_u8(src_w, src_h, pixels, pixel_type)
        .map_err(|e| format!("cannot resize: {e}"))?;
    let mut resizer = fast_image_resize::Resizer::new();
    let mut files = Vec::new();
    if let Some(c) = cache {
        let _ = std::fs::create_dir_all(c);
    }
    for (w, webp) in wanted {
        let h = ((u64::from(src_h) * u64::from(w)) / u64::from(src_w)).max(1) as u32;
        let resized;
        let (buf, rw, rh) = if w == src_w {
            (src.buffer(), src_w, src_h)
        } else {
            let mut dst = fast_image_resize::images::Image::new(w, h, pixel_type);
            resizer
                .resize(
                    &src,
                    &mut dst,
                    &fast_image_resize::ResizeOptions::new().resize_alg(
                        fast_image_resize::ResizeAlg::Convolution(
                            fast_image_resize::FilterType::Lanczos3,
                        ),
                    ),
                )
                .map_err(|e| format!("cannot resize: {e}"))?;
            resized = dst;
            (resized.buffer(), w, h)
        };
        let encoded = if webp {
            let enc = if channels == 4 {
                webp::Encoder::from_rgba(buf, rw, rh)
            } else {
                webp::Encoder::from_rgb(buf, rw, rh)
            };
            enc.encode(WEBP_QUALITY).to_vec()
        } else {
            let mut out_bytes = Vec::new();
            let color = if channels == 4 {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            let result = if ext == "png" {
                image::ImageEncoder::write_image(
                    image::codecs::png::PngEncoder::new(&mut out_bytes),
                    buf,
                    rw,
                    rh,
                    color,
                )
            } else {
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out_bytes, JPEG_QUALITY)
                    .encode(buf, rw, rh, color)
            };
            result.map_err(|e| format!("cannot encode: {e}"))?;
            out_bytes
        };
        let path = variant(out, w, webp);
        // Kept in the cache (written aside, then renamed, so it is never half there).
        match cached(w, webp) {
            Some(p) => {
                let tmp = p.with_extension(format!("tmp{}", std::process::id()));
                if std::fs::write(&tmp, &encoded).is_ok() && std::fs::rename(&tmp, &p).is_ok() {
                    files.push(OutputFile {
                        path,
                        data: Data::Copy(p),
                    });
                } else {
                    let _ = std::fs::remove_file(&tmp);
                    files.push(OutputFile {
                        path,
                        data: Data::Bytes(encoded),
                    });
                }
            }
            None => files.push(OutputFile {
                path,
                data: Data::Bytes(encoded),
            }),
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names() {
        assert_eq!(variant("a/cover.jpg", 480, false), "a/cover.480w.jpg");
        assert_eq!(variant("a/cover.jpg", 960, true), "a/cover.960w.webp");
        assert_eq!(variant("a/x.y.PNG", 480, false), "a/x.y.480w.PNG");
        assert!(is_raster("A.JPEG") && !is_raster("a.svg"));
    }
}
