//! Profile photos (an avatar and a banner) and a location's logo: decoded under hard limits,
//! turned upright, cut or fitted to a fixed size and written again as a plain JPEG.
//! Re-encoding from pixels keeps nothing of the upload but its picture: no EXIF (a phone's
//! GPS position), no comments, no trailing bytes of a polyglot file. Runs on a blocking
//! thread (the service sees to it).

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage};
use sha2::{Digest, Sha256};

use super::error::{ErrorCode, FieldError};

/// The largest upload, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The widest or tallest picture decoded, and the most pixels: a small file that claims
/// more (a decompression bomb) is refused before its pixels are allocated.
pub const MAX_SIDE: u32 = 8_000;
pub const MAX_PIXELS: u64 = 40_000_000;
/// The decoder's own allocation cap, as a second line behind the pixel count.
const MAX_DECODER_ALLOC: u64 = 256 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// Which photo of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter)]
pub enum PhotoKind {
    Avatar,
    Banner,
}

impl PhotoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhotoKind::Avatar => "avatar",
            PhotoKind::Banner => "banner",
        }
    }

    pub fn from_name(name: &str) -> Option<PhotoKind> {
        <PhotoKind as strum::IntoEnumIterator>::iter().find(|k| k.as_str() == name)
    }

    /// The size every photo of this kind is cut to (cropped to the centre).
    pub fn size(self) -> (u32, u32) {
        match self {
            PhotoKind::Avatar => (400, 400),
            PhotoKind::Banner => (1200, 300),
        }
    }

    /// The property that names it in a JSON upload, and in errors (Nexudus' names).
    pub fn property(self) -> &'static str {
        match self {
            PhotoKind::Avatar => "Base64Avatar",
            PhotoKind::Banner => "Base64Banner",
        }
    }
}

/// Where a profile's photo is served, below the public address.
pub fn path(unique_id: &str, kind: PhotoKind) -> String {
    format!("/media/coworkers/{unique_id}/{}", kind.as_str())
}

/// A photo ready to store: JPEG bytes and their entity tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub etag: String,
}

impl Photo {
    fn new(jpeg: Vec<u8>) -> Photo {
        let etag = Photo::digest_tag(&jpeg);
        Photo { jpeg, etag }
    }

    /// A strong entity tag of some bytes: the first 96 bits of their SHA-256, in hex.
    pub fn digest_tag(bytes: &[u8]) -> String {
        Sha256::digest(bytes).iter().take(12).map(|b| format!("{b:02x}")).collect()
    }
}

/// Decodes an upload (JPEG, PNG or WebP only) and makes the stored photo of `kind`.
pub fn process(upload: &[u8], kind: PhotoKind) -> Result<Photo, FieldError> {
    let picture = decode(upload, kind.property())?;
    let (w, h) = kind.size();
    let cut = picture.resize_to_fill(w, h, FilterType::Lanczos3);
    Ok(Photo::new(jpeg_of(&on_white(&cut))))
}

/// The box a location's logo is fitted into: never cut, never enlarged.
pub const LOGO_BOX: (u32, u32) = (600, 200);
/// What errors about a logo name.
pub const LOGO_PROPERTY: &str = "Logo";

/// Decodes a location's logo under the same limits as a photo and writes it again as a
/// plain JPEG (transparency on white), fitted into [`LOGO_BOX`] with its proportions kept.
pub fn process_logo(upload: &[u8]) -> Result<Photo, FieldError> {
    let picture = decode(upload, LOGO_PROPERTY)?;
    let (w, h) = LOGO_BOX;
    let fitted = if picture.width() > w || picture.height() > h {
        picture.resize(w, h, FilterType::Lanczos3)
    } else {
        picture
    };
    Ok(Photo::new(jpeg_of(&on_white(&fitted))))
}

/// The upload's picture, upright: refused by `property` when it is not a small enough
/// JPEG, PNG or WebP; the size is checked from the header before any pixel is decoded.
fn decode(upload: &[u8], property: &str) -> Result<DynamicImage, FieldError> {
    let refuse = |code, message: &str| FieldError::new(property, code, message);
    if upload.len() > MAX_UPLOAD_BYTES {
        return Err(refuse(ErrorCode::ImageTooLarge, "must be at most 10 MiB"));
    }
    let reader = ImageReader::new(Cursor::new(upload))
        .with_guessed_format()
        .map_err(|_| refuse(ErrorCode::InvalidImage, "could not be read"))?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP) => {}
        _ => return Err(refuse(ErrorCode::UnsupportedImage, "must be a JPEG, PNG or WebP image")),
    }
    let mut decoder =
        reader.into_decoder().map_err(|_| refuse(ErrorCode::InvalidImage, "is not a readable image"))?;
    let (width, height) = decoder.dimensions();
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(refuse(ErrorCode::ImageTooLarge, "must be at most 8000 pixels a side and 40 megapixels"));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    decoder.set_limits(limits).map_err(|_| refuse(ErrorCode::ImageTooLarge, "is too large to decode"))?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder)
        .map_err(|_| refuse(ErrorCode::InvalidImage, "is damaged or cut short"))?;
    if let Some(orientation) = orientation {
        picture.apply_orientation(orientation);
    }
    Ok(picture)
}

/// Transparent parts become white: a JPEG has no alpha channel.
fn on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        Rgb([blend(r), blend(g), blend(b)])
    })
}

fn jpeg_of(picture: &RgbImage) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 * 1024);
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
    // Encoding pixels of a size we made cannot fail but for a bug; an empty photo shows it.
    let _ = picture.write_with_encoder(encoder);
    out
}

/// The picture shown for a profile without a photo: its initials on a colour of its own,
/// as SVG. Only letters and digits of the name reach it, escaped all the same.
pub fn initials_svg(full_name: &str, seed: &str, kind: PhotoKind) -> String {
    let initials: String = full_name
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    let hue = Sha256::digest(seed.as_bytes())[0] as u32 * 360 / 256;
    let (w, h) = kind.size();
    let text = match kind {
        PhotoKind::Avatar => format!(
            r##"<text x="50%" y="50%" dy=".35em" text-anchor="middle" font-family="sans-serif" font-size="160" fill="#fff">{}</text>"##,
            escape(&initials)
        ),
        PhotoKind::Banner => String::new(),
    };
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}"><rect width="100%" height="100%" fill="hsl({hue},45%,45%)"/>{text}</svg>"#
    )
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = RgbImage::from_pixel(width, height, Rgb([200, 30, 30]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).expect("png");
        out.into_inner()
    }

    fn code(result: Result<Photo, FieldError>) -> &'static str {
        result.expect_err("refused").code.as_str()
    }

    #[test]
    fn photos_are_cut_to_their_size_as_jpeg() {
        for (kind, (w, h)) in [(PhotoKind::Avatar, (400, 400)), (PhotoKind::Banner, (1200, 300))] {
            let photo = process(&png(900, 500), kind).expect("photo");
            let decoded = image::load_from_memory(&photo.jpeg).expect("jpeg");
            assert_eq!((decoded.width(), decoded.height()), (w, h));
            assert_eq!(image::guess_format(&photo.jpeg).ok(), Some(ImageFormat::Jpeg));
            assert_eq!(photo.etag.len(), 24);
        }
    }

    #[test]
    fn what_is_not_a_small_enough_jpeg_png_or_webp_is_refused_by_name() {
        assert_eq!(code(process(b"GIF89a\x01\x00\x01\x00", PhotoKind::Avatar)), "unsupported_image");
        assert_eq!(
            code(process(b"<svg xmlns='http://www.w3.org/2000/svg'/>", PhotoKind::Avatar)),
            "unsupported_image"
        );
        let whole = png(64, 64);
        assert_eq!(code(process(&whole[..whole.len() / 2], PhotoKind::Avatar)), "invalid_image");
        assert_eq!(code(process(&png(MAX_SIDE + 1, 1), PhotoKind::Avatar)), "image_too_large");
        assert_eq!(process(b"GIF89a", PhotoKind::Banner).expect_err("refused").property, "Base64Banner");
        assert_eq!(code(process(&vec![0u8; MAX_UPLOAD_BYTES + 1], PhotoKind::Avatar)), "image_too_large");
    }

    #[test]
    fn a_logo_keeps_its_proportions_and_is_never_enlarged() {
        let size = |photo: Photo| {
            let decoded = image::load_from_memory(&photo.jpeg).expect("jpeg");
            (decoded.width(), decoded.height())
        };
        assert_eq!(size(process_logo(&png(1200, 300)).expect("wide")), (600, 150));
        assert_eq!(size(process_logo(&png(300, 900)).expect("tall")), (67, 200));
        assert_eq!(size(process_logo(&png(120, 40)).expect("small")), (120, 40));
        let refused = process_logo(b"GIF89a").expect_err("not a logo");
        assert_eq!((refused.property.as_str(), refused.code.as_str()), (LOGO_PROPERTY, "unsupported_image"));
    }

    #[test]
    fn initials_are_letters_of_the_name_only() {
        let svg = initials_svg("ann <script>lee", "u1", PhotoKind::Avatar);
        assert!(svg.contains(">AS<"), "{svg}");
        assert!(!svg.contains("<script"));
        assert!(initials_svg("", "u1", PhotoKind::Avatar).contains("></text>"));
        assert_ne!(initials_svg("A", "u1", PhotoKind::Avatar), initials_svg("A", "u2", PhotoKind::Avatar));
    }
}
