//! Secret properties of managed data stores other than RDS (see
//! [`crate::secret_args::STORES`]), and Amazon MQ brokers' `Users`.

use super::{R, V};
use crate::secret_args::{master_password, STORES};
use pillar_model::*;

/// A present, non-null property.
fn given<'v>(r: &'v R, k: &str) -> Option<&'v V> {
    r.get(k).filter(|v| !matches!(v, V::Null))
}

/// One credential per store, per broker user.
pub(super) fn primary(r: &R, inv: &mut Inventory) {
    if r.kind == "AWS::AmazonMQ::Broker" {
        let id = r.s("BrokerName").unwrap_or_else(|| r.id.clone());
        for u in r.list("Users") {
            let user = u.get("Username").and_then(|x| x.to_text().ok());
            let password = u.get("Password").filter(|v| !matches!(v, V::Null));
            inv.store_credentials.push(StoreCredential {
                resource: r.rref(&r.kind).named(id.clone()),
                location: r.loc_of(u),
                id: id.clone(),
                service: "mq".to_owned(),
                user,
                password: master_password(None, password.map(|p| ("Users.Password", p))),
            });
        }
        return;
    }
    let Some(spec) = STORES.iter().find(|s| s.cfn == r.kind) else {
        return;
    };
    let id = r.s(spec.cfn_id).unwrap_or_else(|| r.id.clone());
    inv.store_credentials.push(StoreCredential {
        resource: r.rref(&r.kind).named(id.clone()),
        location: r.loc(),
        id,
        service: spec.service.to_owned(),
        user: None,
        password: master_password(
            spec.cfn_manage.and_then(|m| given(r, m)),
            given(r, spec.cfn_password).map(|v| (spec.cfn_password, v)),
        ),
    });
}
