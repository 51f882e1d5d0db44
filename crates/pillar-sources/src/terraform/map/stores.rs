//! Secret arguments of managed data stores other than RDS (see
//! [`crate::secret_args::STORES`]), and Amazon MQ brokers' `user` blocks.

use super::{R, V};
use crate::secret_args::{master_password, STORES};
use pillar_model::*;

/// A present, non-null argument.
fn given<'v>(r: &'v R<'_>, k: &str) -> Option<&'v V> {
    r.get(k).filter(|v| !matches!(v, V::Null))
}

/// One credential per store, per broker user.
pub(super) fn primary(r: &R<'_>, inv: &mut Inventory) {
    if r.kind == "aws_mq_broker" {
        let id = r.s("broker_name").unwrap_or_else(|| r.addr.clone());
        for u in r.blocks("user") {
            let user = u.get("username").and_then(|x| x.to_text().ok());
            let password = u.get("password").filter(|v| !matches!(v, V::Null));
            inv.store_credentials.push(StoreCredential {
                resource: r.rref("AWS::AmazonMQ::Broker").named(id.clone()),
                location: r.loc_of(u),
                id: id.clone(),
                service: "mq".to_owned(),
                user,
                password: master_password(None, password.map(|p| ("user.password", p))),
            });
        }
        return;
    }
    let Some(spec) = STORES.iter().find(|s| s.tf == r.kind) else {
        return;
    };
    let kind = if r.kind == "aws_directory_service_directory"
        && r.s("type").as_deref() != Some("MicrosoftAD")
    {
        // `type` defaults to SimpleAD; an AD Connector's password is the
        // connecting account's, and is judged the same way.
        "AWS::DirectoryService::SimpleAD"
    } else {
        spec.cfn
    };
    let id = r.s(spec.tf_id).unwrap_or_else(|| r.addr.clone());
    inv.store_credentials.push(StoreCredential {
        resource: r.rref(kind).named(id.clone()),
        location: r.loc(),
        id,
        service: spec.service.to_owned(),
        user: None,
        password: master_password(
            spec.tf_manage.and_then(|m| given(r, m)),
            spec.tf_password
                .iter()
                .find_map(|k| given(r, k).map(|v| (*k, v))),
        ),
    });
}
