//! A small deterministic generator (xorshift64*), shared by the benchmark
//! file generator and the fuzzer so that their runs are reproducible.

/// The generator's state; seed it with any non-zero value.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    /// An index in `0..n` (0 when `n` is 0).
    #[allow(dead_code)] // used by fuzz-readers only
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True `percent` times in a hundred.
    #[allow(dead_code)] // used by gen-trace only
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
