//! The browser layer (wasm32 only). PLACEHOLDER: being written.
