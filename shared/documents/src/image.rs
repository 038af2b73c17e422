//! Logos: the raster formats branding accepts (PNG, JPEG, WebP), made ready to embed once and
//! reused for every document of the tenant. JPEG is embedded as it is (DCTDecode); PNG and WebP
//! are decoded to 8-bit RGB with their alpha as a soft mask, both deflated.

use std::io::Cursor;

use pdf_writer::{Chunk, Filter, Finish, Ref};

use crate::Error;

/// Logos are shown at most this many pixels a side (larger ones are refused, not resampled).
pub const MAX_SIDE: u32 = 4096;

#[derive(Debug, Clone)]
enum Data {
    /// A JPEG file with its number of colour components (1, 3 or 4).
    Jpeg { file: Vec<u8>, components: u8 },
    /// Deflated 8-bit RGB, and the deflated 8-bit alpha when not opaque.
    Rgb { rgb: Vec<u8>, alpha: Option<Vec<u8>> },
}

/// A decoded logo, ready to embed.
#[derive(Debug, Clone)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    data: Data,
}

impl Image {
    /// Reads a PNG, JPEG or WebP file.
    pub fn decode(bytes: &[u8]) -> Result<Image, Error> {
        let image = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            png(bytes)?
        } else if bytes.starts_with(&[0xff, 0xd8]) {
            jpeg(bytes)?
        } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            webp(bytes)?
        } else {
            return Err(Error::Image("not a PNG, JPEG or WebP file".into()));
        };
        if image.width == 0 || image.height == 0 || image.width > MAX_SIDE || image.height > MAX_SIDE {
            return Err(Error::Image(format!("use at most {MAX_SIDE} pixels a side")));
        }
        Ok(image)
    }

    /// Writes the image XObject as `id` (and its soft mask from `next`).
    pub(crate) fn write(&self, chunk: &mut Chunk, id: Ref, next: &mut impl FnMut() -> Ref) {
        let (w, h) = (self.width as i32, self.height as i32);
        match &self.data {
            Data::Jpeg { file, components } => {
                let mut x = chunk.image_xobject(id, file);
                x.filter(Filter::DctDecode);
                x.width(w).height(h).bits_per_component(8);
                match components {
                    1 => x.color_space().device_gray(),
                    4 => {
                        // Adobe's CMYK JPEGs store inverted values.
                        x.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
                        x.color_space().device_cmyk()
                    }
                    _ => x.color_space().device_rgb(),
                };
            }
            Data::Rgb { rgb, alpha } => {
                let mask = alpha.as_ref().map(|a| (next(), a));
                let mut x = chunk.image_xobject(id, rgb);
                x.filter(Filter::FlateDecode);
                x.width(w).height(h).bits_per_component(8);
                x.color_space().device_rgb();
                if let Some((mask_id, _)) = mask {
                    x.s_mask(mask_id);
                }
                x.finish();
                if let Some((mask_id, a)) = mask {
                    let mut m = chunk.image_xobject(mask_id, a);
                    m.filter(Filter::FlateDecode);
                    m.width(w).height(h).bits_per_component(8);
                    m.color_space().device_gray();
                }
            }
        }
    }
}

fn deflate(raw: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(raw, 6)
}

/// Splits 8-bit pixels of `channels` (1: grey, 2: grey+alpha, 3: RGB, 4: RGBA) into RGB and
/// alpha (`None` when every pixel is opaque).
fn split(pixels: &[u8], channels: usize) -> Data {
    let n = pixels.len() / channels;
    let mut rgb = Vec::with_capacity(n * 3);
    let mut alpha = Vec::with_capacity(n);
    for p in pixels.chunks_exact(channels) {
        match channels {
            1 | 2 => rgb.extend_from_slice(&[p[0], p[0], p[0]]),
            _ => rgb.extend_from_slice(&p[..3]),
        }
        alpha.push(if channels == 2 || channels == 4 { p[channels - 1] } else { 255 });
    }
    let opaque = alpha.iter().all(|a| *a == 255);
    Data::Rgb { rgb: deflate(&rgb), alpha: (!opaque).then(|| deflate(&alpha)) }
}

fn png(bytes: &[u8]) -> Result<Image, Error> {
    let bad = |e: png::DecodingError| Error::Image(format!("PNG: {e}"));
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader.output_buffer_size().ok_or_else(|| Error::Image("PNG too large".into()))?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    let channels = info.color_type.samples();
    buf.truncate(info.buffer_size());
    Ok(Image { width: info.width, height: info.height, data: split(&buf, channels) })
}

fn webp(bytes: &[u8]) -> Result<Image, Error> {
    let bad = |e: image_webp::DecodingError| Error::Image(format!("WebP: {e}"));
    let mut decoder = image_webp::WebPDecoder::new(Cursor::new(bytes)).map_err(bad)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(Error::Image(format!("use at most {MAX_SIDE} pixels a side")));
    }
    let channels = if decoder.has_alpha() { 4 } else { 3 };
    let size = decoder.output_buffer_size().ok_or_else(|| Error::Image("WebP too large".into()))?;
    let mut buf = vec![0; size];
    decoder.read_image(&mut buf).map_err(bad)?;
    Ok(Image { width, height, data: split(&buf, channels) })
}

/// Reads a JPEG's size and components from its start-of-frame marker.
fn jpeg(bytes: &[u8]) -> Result<Image, Error> {
    let bad = || Error::Image("JPEG: no frame header".into());
    let mut i = 2;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xff {
            return Err(bad());
        }
        let marker = bytes[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        // SOF0-SOF15 but DHT (C4), JPG (C8) and DAC (CC).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let f = bytes.get(i + 4..i + 10).ok_or_else(bad)?;
            let height = u32::from(u16::from_be_bytes([f[1], f[2]]));
            let width = u32::from(u16::from_be_bytes([f[3], f[4]]));
            let components = f[5];
            if ![1, 3, 4].contains(&components) {
                return Err(Error::Image("JPEG: unsupported colour components".into()));
            }
            return Ok(Image { width, height, data: Data::Jpeg { file: bytes.to_vec(), components } });
        }
        i += 2 + len;
    }
    Err(bad())
}
