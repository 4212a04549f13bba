//! The app's components, one a file.

pub mod controls;
pub mod editor;
pub mod explain;
pub mod lessons;
pub mod outcomes;
pub mod port_grid;
pub mod services;
pub mod share;
pub mod summary;
pub mod timeline;
pub mod window;
