//! The password policy (NIST SP 800-63B style): long enough, not absurdly long, and not
//! guessable: common passwords, keyboard walks, repeats, dates and the user's own details are
//! refused by zxcvbn's estimate (at least 10^10 guesses), with its advice as the message.

use zxcvbn::{Score, zxcvbn};

use crate::identity::Invalid;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Checks a new password; `context` holds what an attacker knows about the person (email,
/// name, portal name), which the password must not lean on.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), Invalid> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Invalid::new("password", format!("use at least {MIN_CHARS} characters")));
    }
    if chars > MAX_CHARS {
        return Err(Invalid::new("password", format!("use at most {MAX_CHARS} characters")));
    }
    // zxcvbn matches user inputs as whole words: give it the pieces too (dana, client, test).
    let mut words: Vec<String> = Vec::new();
    for input in context {
        let lower = input.to_lowercase();
        words.extend(lower.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 3).map(str::to_owned));
        words.push(lower);
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn(password, &words);
    if estimate.score() < Score::Three {
        let advice = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .unwrap_or_else(|| "add more words or characters".into());
        return Err(Invalid::new("password", format!("is too easy to guess: {advice}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_short_long_and_common_passwords() {
        assert!(check_new_password("short", &[]).is_err());
        assert!(check_new_password(&"x".repeat(129), &[]).is_err());
        for common in ["password1234", "qwertyuiop12", "123456789012", "iloveyou1234", "aaaaaaaaaaaa"] {
            let e = check_new_password(common, &[]).unwrap_err();
            assert!(e.message.starts_with("is too easy to guess"), "{common}: {e}");
        }
        assert!(check_new_password("dana@client.test", &["dana@client.test", "Dana"]).is_err(), "is the email");
    }

    #[test]
    fn accepts_long_unusual_passphrases() {
        assert!(check_new_password("correct horse battery staple", &[]).is_ok());
        assert!(check_new_password("Tr0mbone-Lantern-Quiet-47", &["dana@client.test"]).is_ok());
    }
}
