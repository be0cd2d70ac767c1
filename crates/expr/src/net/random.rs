//! `System.Random` with a seed: .NET's subtractive generator (Knuth), ported so that seeded
//! sequences match .NET's exactly. Without a seed the seed is random.

#[derive(Clone, Debug)]
pub struct NetRandom {
    seeds: [i32; 56],
    next: usize,
    next_p: usize,
}

const MBIG: i32 = i32::MAX;

// The seed array is indexed 1..=55 by construction; these keep that unchecked-looking arithmetic
// panic-free anyway.
fn at(seeds: &[i32; 56], index: usize) -> i32 {
    seeds.get(index).copied().unwrap_or(0)
}

fn set(seeds: &mut [i32; 56], index: usize, value: i32) {
    if let Some(slot) = seeds.get_mut(index) {
        *slot = value;
    }
}
const MSEED: i32 = 161_803_398;

impl NetRandom {
    pub fn new(seed: i32) -> Self {
        let subtraction = if seed == i32::MIN {
            i32::MAX
        } else {
            seed.abs()
        };
        let mut seeds = [0i32; 56];
        let mut mj = MSEED.wrapping_sub(subtraction);
        set(&mut seeds, 55, mj);
        let mut mk: i32 = 1;
        for i in 1..55 {
            let ii = (21 * i) % 55;
            set(&mut seeds, ii, mk);
            mk = mj.wrapping_sub(mk);
            if mk < 0 {
                mk = mk.wrapping_add(MBIG);
            }
            mj = at(&seeds, ii);
        }
        for _ in 1..5 {
            for i in 1..56 {
                let mut value = at(&seeds, i).wrapping_sub(at(&seeds, 1 + (i + 30) % 55));
                if value < 0 {
                    value = value.wrapping_add(MBIG);
                }
                set(&mut seeds, i, value);
            }
        }
        NetRandom {
            seeds,
            next: 0,
            next_p: 21,
        }
    }

    pub fn unseeded() -> Self {
        NetRandom::new(rand::random::<i32>())
    }

    fn internal_sample(&mut self) -> i32 {
        self.next += 1;
        if self.next >= 56 {
            self.next = 1;
        }
        self.next_p += 1;
        if self.next_p >= 56 {
            self.next_p = 1;
        }
        let mut value = at(&self.seeds, self.next).wrapping_sub(at(&self.seeds, self.next_p));
        if value == MBIG {
            value -= 1;
        }
        if value < 0 {
            value = value.wrapping_add(MBIG);
        }
        set(&mut self.seeds, self.next, value);
        value
    }

    fn sample(&mut self) -> f64 {
        f64::from(self.internal_sample()) * (1.0 / f64::from(MBIG))
    }

    pub fn next_int(&mut self) -> i32 {
        self.internal_sample()
    }

    /// `Next(max)`; the caller checks `max >= 0`.
    pub fn next_below(&mut self, max: i32) -> i32 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = ".NET truncates the scaled sample"
        )]
        let value = (self.sample() * f64::from(max)) as i32;
        value
    }

    /// `Next(min, max)`; the caller checks `min <= max`.
    pub fn next_between(&mut self, min: i32, max: i32) -> i32 {
        let range = i64::from(max) - i64::from(min);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_precision_loss,
            reason = ".NET truncates the scaled sample"
        )]
        if range <= i64::from(i32::MAX) {
            ((self.sample() * range as f64) as i32).wrapping_add(min)
        } else {
            let mut result = self.internal_sample();
            if self.internal_sample() % 2 == 0 {
                result = -result;
            }
            let mut d = f64::from(result);
            d += f64::from(i32::MAX - 1);
            d /= 2.0 * f64::from(i32::MAX) - 1.0;
            ((d * range as f64) as i64 + i64::from(min)) as i32
        }
    }

    pub fn next_double(&mut self) -> f64 {
        self.sample()
    }

    pub fn next_byte(&mut self) -> u8 {
        u8::try_from(self.internal_sample() % 256).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_sequence_matches_dotnet() {
        // new Random(42): Next() = 1434747710, 302596119, 269548474 (.NET Framework and Core).
        let mut random = NetRandom::new(42);
        assert_eq!(
            [random.next_int(), random.next_int(), random.next_int()],
            [1_434_747_710, 302_596_119, 269_548_474]
        );
        let mut random = NetRandom::new(42);
        assert_eq!(random.next_between(1, 7), 5);
    }
}
