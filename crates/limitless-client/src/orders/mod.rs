//! The order service ([`service`]), one for delegated and self-signed
//! orders, and the reconciliation of orders whose outcome is unknown
//! ([`reconcile`]). What a caller describes, and how it becomes a
//! request, is below it in [`ops::orders`](crate::ops::orders).

pub(crate) mod reconcile;
pub(crate) mod service;
