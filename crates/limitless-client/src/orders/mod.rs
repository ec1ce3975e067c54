//! Delegated orders (and self-signed ones, [`signed`], sharing their
//! validation and pricing), in three steps: the builders a caller fills in
//! ([`params`]), their validation and exact pricing ([`prepare`]), and the
//! service that resolves the market's fee and sends ([`service`]). The
//! requests themselves are built by [`ops::orders`](crate::ops::orders).

pub(crate) mod params;
pub(crate) mod prepare;
pub(crate) mod reconcile;
pub(crate) mod service;
pub(crate) mod signed;
pub(crate) mod signed_params;
