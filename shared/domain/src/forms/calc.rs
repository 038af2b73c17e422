//! Calculated fields: arithmetic over other fields, with one exact semantics that the web app
//! repeats to the digit.
//!
//! A formula is numbers, field keys, `+ - * /`, parentheses and the functions `min`, `max`,
//! `abs`, `round(x, places)`, `floor`, `ceil`. A field reads as its number; a choice as its
//! score (a multi-select: the sum of its choices' scores); a toggle as 1 or 0; a list of files
//! as how many; anything empty or hidden as 0.
//!
//! **Arithmetic**: fixed point with 6 decimal places (a whole number of millionths). `*` and
//! `/` truncate toward zero to millionths; dividing by zero is an error; any value beyond
//! ±10^15 is an error. The result is rounded half away from zero to the field's decimals.

use rust_decimal::Decimal;

/// A number in millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Fixed(pub i128);

const SCALE: i128 = 1_000_000;
const LIMIT: i128 = 1_000_000_000_000_000 * SCALE;

impl Fixed {
    pub const ZERO: Fixed = Fixed(0);

    fn checked(v: i128) -> Result<Fixed, String> {
        if v.abs() > LIMIT { Err("is out of range".into()) } else { Ok(Fixed(v)) }
    }

    /// A decimal with at most 6 places within range.
    pub fn from_decimal(d: Decimal) -> Option<Fixed> {
        if d.scale() > 6 {
            return None;
        }
        let v = d.mantissa().checked_mul(10i128.pow(6 - d.scale()))?;
        (v.abs() <= LIMIT).then_some(Fixed(v))
    }

    pub fn from_int(n: i64) -> Fixed {
        Fixed(i128::from(n) * SCALE)
    }

    /// Rounded half away from zero to `places` (0 to 6).
    pub fn round(self, places: u32) -> Fixed {
        let unit = 10i128.pow(6 - places.min(6));
        let q = self.0 / unit;
        let r = self.0 % unit;
        let q = if r.abs() * 2 >= unit { q + self.0.signum() } else { q };
        Fixed(q * unit)
    }

    /// Written with exactly `places` decimals (`12.50`, `-3`).
    pub fn format(self, places: u32) -> String {
        let v = self.round(places);
        let neg = v.0 < 0;
        let abs = v.0.unsigned_abs();
        let whole = abs / SCALE as u128;
        let frac = abs % SCALE as u128;
        let mut s = if neg && abs != 0 { format!("-{whole}") } else { whole.to_string() };
        if places > 0 {
            let digits = format!("{frac:06}");
            s.push('.');
            s.push_str(&digits[..places.min(6) as usize]);
        }
        s
    }

    fn add(self, o: Fixed) -> Result<Fixed, String> {
        Fixed::checked(self.0.checked_add(o.0).ok_or("is out of range")?)
    }

    fn sub(self, o: Fixed) -> Result<Fixed, String> {
        Fixed::checked(self.0.checked_sub(o.0).ok_or("is out of range")?)
    }

    fn mul(self, o: Fixed) -> Result<Fixed, String> {
        Fixed::checked(self.0.checked_mul(o.0).ok_or("is out of range")? / SCALE)
    }

    fn div(self, o: Fixed) -> Result<Fixed, String> {
        if o.0 == 0 {
            return Err("cannot divide by zero".into());
        }
        Fixed::checked(self.0.checked_mul(SCALE).ok_or("is out of range")? / o.0)
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Number(Fixed),
    Field(String),
    Neg(Box<Expr>),
    Bin(Box<Expr>, char, Box<Expr>),
    Call(String, Vec<Expr>),
}

const FUNCTIONS: [&str; 6] = ["min", "max", "abs", "round", "floor", "ceil"];

struct Parser<'a> {
    src: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip(&mut self) {
        while self.at < self.src.len() && self.src[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip();
        self.src.get(self.at).copied()
    }

    fn expr(&mut self, depth: u32) -> Result<Expr, String> {
        if depth > 32 {
            return Err("nests too deeply".into());
        }
        let mut left = self.term(depth)?;
        while let Some(c @ (b'+' | b'-')) = self.peek() {
            self.at += 1;
            left = Expr::Bin(Box::new(left), c as char, Box::new(self.term(depth)?));
        }
        Ok(left)
    }

    fn term(&mut self, depth: u32) -> Result<Expr, String> {
        let mut left = self.unary(depth)?;
        while let Some(c @ (b'*' | b'/')) = self.peek() {
            self.at += 1;
            left = Expr::Bin(Box::new(left), c as char, Box::new(self.unary(depth)?));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: u32) -> Result<Expr, String> {
        if self.peek() == Some(b'-') {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.unary(depth + 1)?)));
        }
        self.primary(depth)
    }

    fn primary(&mut self, depth: u32) -> Result<Expr, String> {
        match self.peek() {
            Some(b'(') => {
                self.at += 1;
                let e = self.expr(depth + 1)?;
                if self.peek() != Some(b')') {
                    return Err("misses a closing parenthesis".into());
                }
                self.at += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => {
                let start = self.at;
                while self.at < self.src.len() && (self.src[self.at].is_ascii_digit() || self.src[self.at] == b'.') {
                    self.at += 1;
                }
                let text = std::str::from_utf8(&self.src[start..self.at]).unwrap_or("");
                let d: Decimal = text.parse().map_err(|_| format!("has a bad number {text}"))?;
                Fixed::from_decimal(d).map(Expr::Number).ok_or_else(|| format!("has a bad number {text}"))
            }
            Some(c) if c.is_ascii_lowercase() => {
                let start = self.at;
                while self.at < self.src.len()
                    && (self.src[self.at].is_ascii_lowercase()
                        || self.src[self.at].is_ascii_digit()
                        || self.src[self.at] == b'_')
                {
                    self.at += 1;
                }
                let name = std::str::from_utf8(&self.src[start..self.at]).unwrap_or("").to_owned();
                if self.peek() != Some(b'(') {
                    return Ok(Expr::Field(name));
                }
                if !FUNCTIONS.contains(&name.as_str()) {
                    return Err(format!("has no function {name}"));
                }
                self.at += 1;
                let mut args = Vec::new();
                if self.peek() != Some(b')') {
                    loop {
                        args.push(self.expr(depth + 1)?);
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            Some(b')') => break,
                            _ => return Err(format!("misses a closing parenthesis after {name}(")),
                        }
                    }
                }
                self.at += 1;
                let ok = match name.as_str() {
                    "abs" | "floor" | "ceil" => args.len() == 1,
                    "round" => args.len() == 2,
                    _ => !args.is_empty(),
                };
                if !ok {
                    return Err(format!("calls {name} with the wrong number of values"));
                }
                Ok(Expr::Call(name, args))
            }
            Some(c) => Err(format!("has an unexpected {}", c as char)),
            None => Err("ends too early".into()),
        }
    }
}

/// Parses a formula (at most 500 characters).
pub fn parse_formula(src: &str) -> Result<Expr, String> {
    if src.trim().is_empty() || src.len() > 500 {
        return Err("write a formula of 1 to 500 characters".into());
    }
    let mut p = Parser { src: src.as_bytes(), at: 0 };
    let e = p.expr(0)?;
    match p.peek() {
        None => Ok(e),
        Some(c) => Err(format!("has an unexpected {}", c as char)),
    }
}

impl Expr {
    /// The field keys it reads.
    pub fn fields(&self, out: &mut Vec<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Field(k) => out.push(k.clone()),
            Expr::Neg(e) => e.fields(out),
            Expr::Bin(a, _, b) => {
                a.fields(out);
                b.fields(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.fields(out)),
        }
    }

    /// Its value, reading fields through `value`.
    pub fn eval(&self, value: &dyn Fn(&str) -> Fixed) -> Result<Fixed, String> {
        match self {
            Expr::Number(n) => Ok(*n),
            Expr::Field(k) => Ok(value(k)),
            Expr::Neg(e) => Fixed::checked(-e.eval(value)?.0),
            Expr::Bin(a, op, b) => {
                let (a, b) = (a.eval(value)?, b.eval(value)?);
                match op {
                    '+' => a.add(b),
                    '-' => a.sub(b),
                    '*' => a.mul(b),
                    _ => a.div(b),
                }
            }
            Expr::Call(name, args) => {
                let vals = args.iter().map(|a| a.eval(value)).collect::<Result<Vec<_>, _>>()?;
                Ok(match name.as_str() {
                    "min" => vals.into_iter().min().unwrap_or(Fixed::ZERO),
                    "max" => vals.into_iter().max().unwrap_or(Fixed::ZERO),
                    "abs" => Fixed(vals[0].0.abs()),
                    "floor" => Fixed(vals[0].0.div_euclid(SCALE) * SCALE),
                    "ceil" => Fixed(-((-vals[0].0).div_euclid(SCALE)) * SCALE),
                    _ => {
                        let places = vals[1].0 / SCALE;
                        if !(0..=6).contains(&places) {
                            return Err("rounds to 0 to 6 places only".into());
                        }
                        vals[0].round(places as u32)
                    }
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calc(src: &str) -> Result<String, String> {
        parse_formula(src)?.eval(&|k| if k == "pages" { Fixed::from_int(7) } else { Fixed::ZERO }).map(|v| v.format(6))
    }

    #[test]
    fn arithmetic_is_fixed_point_and_exact() {
        assert_eq!(calc("1 + 2 * 3").as_deref(), Ok("7.000000"));
        assert_eq!(calc("(1 + 2) * 3").as_deref(), Ok("9.000000"));
        assert_eq!(calc("10 / 3").as_deref(), Ok("3.333333"));
        assert_eq!(calc("-10 / 3").as_deref(), Ok("-3.333333"), "toward zero");
        assert_eq!(calc("pages * 120.5 + missing").as_deref(), Ok("843.500000"));
        assert_eq!(calc("round(2.5, 0) + round(-2.5, 0)").as_deref(), Ok("0.000000"), "half away from zero");
        assert_eq!(calc("floor(-1.5) + ceil(1.2) + abs(-3)").as_deref(), Ok("3.000000"));
        assert_eq!(calc("max(1, pages, 3) - min(4, 2)").as_deref(), Ok("5.000000"));
        assert_eq!(calc("1 / 0"), Err("cannot divide by zero".into()));
        assert_eq!(calc("1000000000000000 * 2"), Err("is out of range".into()));
        assert!(parse_formula("1 +").is_err());
        assert!(parse_formula("sqrt(4)").is_err());
        assert!(parse_formula("(1").is_err());
        assert!(parse_formula("1.0000001").is_err());
        assert_eq!(Fixed::from_int(12).round(2).format(2), "12.00");
        assert_eq!(Fixed(-4_999).format(2), "-0.00".trim_start_matches('-'));
    }
}
