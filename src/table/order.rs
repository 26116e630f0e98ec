//! The per-user order: each user's rows sorted by `(time, input row)`.

/// For each user key, that user's row numbers sorted by `(time, row)`.
#[derive(Debug, Clone, Default)]
pub struct UserOrder {
    offsets: Vec<u32>,
    rows: Vec<u32>,
    /// True when every user's rows are contiguous and in order: rows `0..n`.
    contiguous: bool,
}

impl UserOrder {
    /// Builds the order: a counting sort by user (stable, so rows stay in input
    /// order), then a stable sort by time within each user.
    pub fn build(user: &[u32], time: &[i64], users: usize) -> Self {
        let mut offsets = vec![0u32; users + 1];
        for &u in user {
            offsets[u as usize + 1] += 1;
        }
        for i in 0..users {
            offsets[i + 1] += offsets[i];
        }
        let mut next = offsets.clone();
        let mut rows = vec![0u32; user.len()];
        for (row, &u) in user.iter().enumerate() {
            let slot = &mut next[u as usize];
            rows[*slot as usize] = row as u32;
            *slot += 1;
        }
        for u in 0..users {
            let span = &mut rows[offsets[u] as usize..offsets[u + 1] as usize];
            if span
                .windows(2)
                .any(|w| time[w[0] as usize] > time[w[1] as usize])
            {
                span.sort_by_key(|&r| time[r as usize]);
            }
        }
        // Rows already in per-user order (a table built from another table's
        // order) need no permutation.
        let contiguous = rows.iter().enumerate().all(|(i, &r)| i == r as usize);
        Self {
            offsets,
            rows,
            contiguous,
        }
    }
    /// The order of a table already stored user by user: user `u`'s rows are
    /// `offsets[u]..offsets[u + 1]` (`offsets` starts at 0, ends at the row count,
    /// never decreases; a merged load in parts knows them without sorting).
    pub fn from_offsets(offsets: Vec<u32>) -> Self {
        let n = offsets.last().copied().unwrap_or(0);
        Self {
            offsets,
            rows: (0..n).collect(),
            contiguous: true,
        }
    }
    /// Where each user's rows start in the order (all rows, user by user), and
    /// the row count last (one more entry than users).
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }
    /// True when the table is stored in this order (every table the builder makes):
    /// user `u`'s rows are `first_row(u)..first_row(u + 1)`.
    pub fn is_contiguous(&self) -> bool {
        self.contiguous
    }
    /// The position of user `user`'s first row in the order.
    pub fn first_row(&self, user: u32) -> u32 {
        self.offsets[user as usize]
    }
    /// The rows of one user, in order.
    pub fn rows_of(&self, user: u32) -> &[u32] {
        let u = user as usize;
        &self.rows[self.offsets[u] as usize..self.offsets[u + 1] as usize]
    }
    /// Bytes held on the heap.
    pub fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.rows.capacity()) * 4
    }
    /// Number of users.
    pub fn users(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    /// Every user key with its ordered rows.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u32])> {
        (0..self.users() as u32).map(move |u| (u, self.rows_of(u)))
    }
}
